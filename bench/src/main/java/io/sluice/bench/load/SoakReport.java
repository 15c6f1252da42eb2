package io.sluice.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The soak's verdict and summary: after the warm-up (the first third of the samples), the least-squares trend of the
 * server's heap after a full GC, of its anonymous RSS and of its non-heap memory, and their range. A series is
 * bounded when the growth its trend predicts over the analysed window is under {@code max(floor, 5% of its mean)}:
 * 4 MiB for the heap and non-heap, 16 MiB for anonymous RSS (which moves with the allocator's arenas and the
 * collector's own structures). Below those sizes a 30-minute run cannot tell a leak from noise; a leak that small
 * would show in a longer run of the same command. The whole RSS is reported beside it but not judged: it also counts
 * the pages of mapped files, the journal's segment among them, resident as entries are appended to it and given back
 * when the segment is finished.
 */
final class SoakReport {

	/** One sample of the server and of the load, every sampling interval. */
	record Sample(double seconds, double heapAfterGcMib, double heapBeforeGcMib, double nonHeapMib, double rssMib,
			double rssAnonMib, int threads, long openFiles, double cpuCores, double eventsPerSecond,
			double recordWritesPerSecond, double recordUpdatesPerSecond, double rpcCallsPerSecond, long connectCycles,
			long slowConsumerCuts, long errors, String loadAverage) {

		static final String CSV_HEADER = "seconds,heap_after_gc_mib,heap_before_gc_mib,non_heap_mib,rss_mib,"
				+ "rss_anon_mib,threads,open_files,server_cpu_cores,events_delivered_per_s,record_writes_per_s,"
				+ "record_updates_delivered_per_s,rpc_calls_per_s,connect_cycles,slow_consumer_cuts,errors,load_average";

		String csv() {
			return String.format(Locale.ROOT,
					"%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d,%.2f,%.0f,%.0f,%.0f,%.0f,%d,%d,%d,%s", this.seconds,
					this.heapAfterGcMib, this.heapBeforeGcMib, this.nonHeapMib, this.rssMib, this.rssAnonMib,
					this.threads, this.openFiles, this.cpuCores, this.eventsPerSecond, this.recordWritesPerSecond,
					this.recordUpdatesPerSecond, this.rpcCallsPerSecond, this.connectCycles, this.slowConsumerCuts,
					this.errors, this.loadAverage.replace(' ', '/'));
		}

	}

	/**
	 * The trend of one series over the analysed window; a series that is not {@code judged} is reported beside the
	 * others but leaves the verdict alone.
	 */
	record Trend(String name, double slopeMibPerHour, double growthMib, double allowedMib, double min, double max,
			double mean, boolean judged) {

		boolean bounded() {
			return this.growthMib <= this.allowedMib;
		}

		/** The same trend, reported but not judged. */
		Trend reportedOnly() {
			return new Trend(this.name, this.slopeMibPerHour, this.growthMib, this.allowedMib, this.min, this.max,
					this.mean, false);
		}

		String row() {
			return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %+.1f MiB/h | %+.1f MiB | %.1f MiB | %s |",
					this.name, this.min, this.max, this.mean, this.slopeMibPerHour, this.growthMib, this.allowedMib,
					(bounded() ? "bounded" : "GROWS") + (this.judged ? "" : " (not judged)"));
		}

	}

	private SoakReport() {
	}

	/** The samples after the warm-up: the last two thirds. */
	static List<Sample> window(List<Sample> samples) {
		return samples.subList(samples.size() / 3, samples.size());
	}

	/**
	 * The trends the verdict judges (heap after GC, anonymous RSS, non-heap) and the whole RSS beside them, reported
	 * only.
	 */
	static List<Trend> trends(List<Sample> window) {
		return List.of(trend("heap after full GC (MiB)", window, Sample::heapAfterGcMib, 4),
				trend("anonymous RSS (MiB)", window, Sample::rssAnonMib, 16),
				trend("RSS (MiB)", window, Sample::rssMib, 16).reportedOnly(),
				trend("non-heap (MiB)", window, Sample::nonHeapMib, 4));
	}

	/** Whether every judged trend is bounded. */
	static boolean bounded(List<Trend> trends) {
		return trends.stream().filter(Trend::judged).allMatch(Trend::bounded);
	}

	/**
	 * Writes {@code summary.md} to {@code out} and prints it: the verdict, the trends, threads and open files after
	 * the warm-up, the load, the errors and the classes that grew.
	 * @param warmHistogram the class histogram after the warm-up, or {@code null}
	 * @return whether the server stayed bounded without errors
	 */
	static boolean summarise(Path out, String target, List<Sample> samples, SoakLoad.Counts counts, int generations,
			SoakErrors errors, String warmHistogram, String endHistogram) throws IOException {
		if (samples.size() < 3) {
			throw new IllegalStateException(
					"Too few samples for a trend: run for at least " + 3 * SoakSampler.SAMPLE_SECONDS + " s");
		}
		List<Sample> window = window(samples);
		List<Trend> trends = trends(window);
		Sample lastSample = samples.get(samples.size() - 1);
		boolean bounded = bounded(trends);
		long errorCount = errors.count();
		StringBuilder summary = new StringBuilder();
		summary.append(String.format(Locale.ROOT,
				"# Soak: %s, %.0f s, %d samples (trend over the last %d, from %.0f s)%n%n", target,
				lastSample.seconds(), samples.size(), window.size(), window.get(0).seconds()));
		summary.append(String.format(Locale.ROOT, "Verdict: **%s**, **%d errors**.%n%n",
				bounded ? "bounded" : "NOT bounded", errorCount));
		summary.append("| series | min | max | mean | trend | growth over the window | allowed | |\n");
		summary.append("|---|---|---|---|---|---|---|---|\n");
		trends.forEach((trend) -> summary.append(trend.row()).append('\n'));
		summary.append(String.format(Locale.ROOT, "%nThreads %d..%d, open files %d..%d after the warm-up.%n%n",
				window.stream().mapToInt(Sample::threads).min().orElse(0),
				window.stream().mapToInt(Sample::threads).max().orElse(0),
				window.stream().mapToLong(Sample::openFiles).min().orElse(0),
				window.stream().mapToLong(Sample::openFiles).max().orElse(0)));
		summary.append(String.format(Locale.ROOT,
				"Load, mean per second over the run: events delivered %.0f, record writes %.0f, record updates "
						+ "delivered %.0f, RPC calls %.0f; server CPU %.2f cores. Connect cycles %d, slow consumers "
						+ "cut %d (expected), record generations %d.%n%n",
				mean(samples, Sample::eventsPerSecond), mean(samples, Sample::recordWritesPerSecond),
				mean(samples, Sample::recordUpdatesPerSecond), mean(samples, Sample::rpcCallsPerSecond),
				mean(samples, Sample::cpuCores), counts.connectCycles(), counts.slowCuts(), generations));
		if (errorCount > 0) {
			errors.describe(summary);
		}
		if (warmHistogram != null) {
			summary.append("Live classes that grew most between the end of the warm-up and the end "
					+ "(`GC.class_histogram`):\n\n| class | instances | bytes | bytes at the end |\n|---|---|---|---|\n");
			histogramGrowth(warmHistogram, endHistogram, 10).forEach((row) -> summary.append(row).append('\n'));
		}
		Files.writeString(out.resolve("summary.md"), summary);
		System.out.println();
		System.out.print(summary);
		return bounded && errorCount == 0;
	}

	private static double mean(List<Sample> samples, ToDoubleFunction<Sample> value) {
		return samples.stream().mapToDouble(value).average().orElse(0);
	}

	static Trend trend(String name, List<Sample> window, ToDoubleFunction<Sample> value, double floorMib) {
		int n = window.size();
		double meanX = window.stream().mapToDouble(Sample::seconds).average().orElse(0);
		double meanY = window.stream().mapToDouble(value).average().orElse(0);
		double covariance = 0;
		double variance = 0;
		double min = Double.MAX_VALUE;
		double max = -Double.MAX_VALUE;
		for (Sample sample : window) {
			double x = sample.seconds() - meanX;
			double y = value.applyAsDouble(sample);
			covariance += x * (y - meanY);
			variance += x * x;
			min = Math.min(min, y);
			max = Math.max(max, y);
		}
		double slopePerSecond = (variance > 0) ? covariance / variance : 0;
		double span = (n > 1) ? window.get(n - 1).seconds() - window.get(0).seconds() : 0;
		double allowed = Math.max(floorMib, 0.05 * meanY);
		return new Trend(name, slopePerSecond * 3600, slopePerSecond * span, allowed, min, max, meanY, true);
	}

	/**
	 * The classes whose live bytes grew most between two {@code GC.class_histogram} outputs, as Markdown table rows.
	 */
	static List<String> histogramGrowth(String before, String after, int top) {
		Map<String, long[]> first = parseHistogram(before);
		Map<String, long[]> last = parseHistogram(after);
		List<Map.Entry<String, long[]>> growth = new ArrayList<>();
		for (Map.Entry<String, long[]> entry : last.entrySet()) {
			long[] was = first.getOrDefault(entry.getKey(), new long[2]);
			growth.add(Map.entry(entry.getKey(), new long[] { entry.getValue()[0] - was[0],
					entry.getValue()[1] - was[1], entry.getValue()[1] }));
		}
		growth.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
		List<String> rows = new ArrayList<>();
		for (Map.Entry<String, long[]> entry : growth.subList(0, Math.min(top, growth.size()))) {
			long[] delta = entry.getValue();
			rows.add(String.format(Locale.ROOT, "| `%s` | %+d | %+.1f KiB | %.1f KiB |", entry.getKey(), delta[0],
					delta[1] / 1024.0, delta[2] / 1024.0));
		}
		return rows;
	}

	/** Class name → {instances, bytes} from the rows {@code "   1:   1234   56789  java.lang.String (java.base)"}. */
	private static Map<String, long[]> parseHistogram(String histogram) {
		Map<String, long[]> classes = new HashMap<>();
		for (String line : histogram.split("\n")) {
			String[] fields = line.trim().split("\\s+");
			if (fields.length >= 4 && fields[0].endsWith(":")) {
				try {
					classes.put(fields[3], new long[] { Long.parseLong(fields[1]), Long.parseLong(fields[2]) });
				}
				catch (NumberFormatException ex) {
					// Not a class row (the header or the total).
				}
			}
		}
		return classes;
	}

}
