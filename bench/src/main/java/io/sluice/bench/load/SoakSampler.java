package io.sluice.bench.load;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The soak's samples: every {@value #SAMPLE_SECONDS} s, a full GC in the server and its heap after it, its RSS (all
 * of it, and the anonymous part, without the files it maps), non-heap, threads, open files and CPU, and the load's
 * throughput over the interval; each printed, and written as a row of {@code soak.csv}. Once the warm-up (the first
 * third) is over, the server's class histogram goes to {@code histogram-after-warm-up.txt}.
 */
final class SoakSampler {

	static final int SAMPLE_SECONDS = 10;

	private final ServerProbe probe;

	private final SoakLoad load;

	private final long startNanos;

	private final Path out;

	private String warmHistogram;

	/**
	 * @param startNanos when the soak started ({@link System#nanoTime()}): samples are taken at whole intervals from
	 * it
	 * @param out where the histogram after the warm-up goes
	 */
	SoakSampler(ServerProbe probe, SoakLoad load, long startNanos, Path out) {
		this.probe = probe;
		this.load = load;
		this.startNanos = startNanos;
		this.out = out;
	}

	/** Samples until {@code durationSeconds} after the start, writing {@code csv}; returns the samples. */
	List<SoakReport.Sample> sample(long durationSeconds, PrintWriter csv) throws Exception {
		List<SoakReport.Sample> samples = new ArrayList<>();
		csv.println(SoakReport.Sample.CSV_HEADER);
		long lastTicks = this.probe.cpuTicks();
		SoakLoad.Counts last = this.load.counts();
		long lastNanos = System.nanoTime();
		long warmUpEnd = durationSeconds / 3;
		for (long next = SAMPLE_SECONDS; next <= durationSeconds; next += SAMPLE_SECONDS) {
			Measurement.sleep(
					Duration.ofNanos(Math.max(0, this.startNanos + next * 1_000_000_000L - System.nanoTime())));
			long heapBefore = this.probe.heapUsed();
			long heapAfter = this.probe.heapUsedAfterFullGc();
			long nowNanos = System.nanoTime();
			long ticks = this.probe.cpuTicks();
			SoakLoad.Counts now = this.load.counts();
			double seconds = (nowNanos - lastNanos) / 1e9;
			this.load.sweepRpc(nowNanos);
			SoakReport.Sample sample = new SoakReport.Sample(elapsedSeconds(), mib(heapAfter), mib(heapBefore),
					mib(this.probe.nonHeapUsed()), this.probe.rssKib() / 1024.0, this.probe.rssAnonKib() / 1024.0,
					this.probe.threadCount(), this.probe.openFiles(), (ticks - lastTicks) / 100.0 / seconds,
					(now.eventsDelivered() - last.eventsDelivered()) / seconds,
					(now.recordWrites() - last.recordWrites()) / seconds,
					(now.recordUpdates() - last.recordUpdates()) / seconds,
					(now.rpcAnswered() - last.rpcAnswered()) / seconds, now.connectCycles(), now.slowCuts(),
					now.errors(), loadAverage());
			samples.add(sample);
			csv.println(sample.csv());
			csv.flush();
			print(sample);
			lastTicks = ticks;
			last = now;
			lastNanos = nowNanos;
			if (this.warmHistogram == null && next >= warmUpEnd) {
				this.warmHistogram = this.probe.classHistogram();
				Files.writeString(this.out.resolve("histogram-after-warm-up.txt"), this.warmHistogram);
			}
		}
		return samples;
	}

	/** The server's class histogram once the warm-up was over; {@code null} if the run ended before. */
	String warmHistogram() {
		return this.warmHistogram;
	}

	private static void print(SoakReport.Sample sample) {
		System.out.printf(Locale.ROOT,
				"[%s] %5.0f s heap-after-gc %6.1f MiB rss %6.1f MiB (anonymous %6.1f MiB) threads %d fds %d cpu %.2f |"
						+ " events %.0f/s writes %.0f/s updates %.0f/s rpc %.0f/s connects %d slow-cuts %d errors %d |"
						+ " load %s%n",
				Instant.now().toString().substring(11, 19), sample.seconds(), sample.heapAfterGcMib(),
				sample.rssMib(), sample.rssAnonMib(), sample.threads(), sample.openFiles(), sample.cpuCores(),
				sample.eventsPerSecond(), sample.recordWritesPerSecond(), sample.recordUpdatesPerSecond(),
				sample.rpcCallsPerSecond(), sample.connectCycles(), sample.slowConsumerCuts(), sample.errors(),
				sample.loadAverage());
	}

	private double elapsedSeconds() {
		return (System.nanoTime() - this.startNanos) / 1e9;
	}

	private static double mib(long bytes) {
		return bytes / (1024.0 * 1024.0);
	}

	private static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (Exception ex) {
			return "?";
		}
	}

}
