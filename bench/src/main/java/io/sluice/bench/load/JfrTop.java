package io.sluice.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the {@code jdk.ExecutionSample} events of a JFR recording: where the CPU samples land (self, the top
 * frame), which methods are on the stack (inclusive), and which Sluice methods are (inclusive, {@code io.sluice.}
 * frames only), each with its share of all samples.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.sluice.bench.load.JfrTop recording.jfr [top-n [package-prefix...]]</pre>
 *
 * Extra package prefixes (such as {@code org.h2.} or {@code reactor.}) each get their own inclusive list.
 */
public final class JfrTop {

	private JfrTop() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length < 1) {
			System.err.println("Usage: JfrTop RECORDING.jfr [TOP_N [PACKAGE_PREFIX...]]");
			System.exit(2);
		}
		int top = (args.length > 1) ? Integer.parseInt(args[1]) : 20;
		Map<String, Integer> self = new HashMap<>();
		Map<String, Integer> inclusive = new HashMap<>();
		Map<String, Integer> threads = new HashMap<>();
		int samples = 0;
		try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
			while (recording.hasMoreEvents()) {
				RecordedEvent event = recording.readEvent();
				if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
					continue;
				}
				RecordedStackTrace stack = event.getStackTrace();
				if (stack == null || stack.getFrames().isEmpty()) {
					continue;
				}
				samples++;
				String thread = event.getThread("sampledThread").getJavaName();
				threads.merge(threadGroup(thread), 1, Integer::sum);
				List<RecordedFrame> frames = stack.getFrames();
				self.merge(name(frames.get(0)), 1, Integer::sum);
				Set<String> seen = new HashSet<>();
				for (RecordedFrame frame : frames) {
					String name = name(frame);
					if (seen.add(name)) {
						inclusive.merge(name, 1, Integer::sum);
					}
				}
			}
		}
		System.out.println(samples + " execution samples in " + args[0]);
		print("Threads", threads, samples, top, "");
		print("Self (top frame)", self, samples, top, "");
		print("Inclusive, Sluice frames", inclusive, samples, top, "io.sluice.");
		for (int i = 2; i < args.length; i++) {
			print("Inclusive, " + args[i] + " frames", inclusive, samples, top, args[i]);
		}
		print("Inclusive, all frames", inclusive, samples, top, "");
	}

	private static void print(String title, Map<String, Integer> counts, int total, int top, String prefix) {
		System.out.println();
		System.out.println("## " + title);
		counts.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith(prefix))
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(top)
			.forEach((entry) -> System.out.printf(Locale.ROOT, "%6.1f%%  %6d  %s%n", 100.0 * entry.getValue() / total,
					entry.getValue(), entry.getKey()));
	}

	private static String name(RecordedFrame frame) {
		RecordedMethod method = frame.getMethod();
		return method.getType().getName() + "." + method.getName();
	}

	/** Thread names without their numbers, so a pool shows as one line. */
	private static String threadGroup(String thread) {
		return (thread == null) ? "?" : thread.replaceAll("[-#]?\\d+$", "").replaceAll("\\d+", "N");
	}

}
