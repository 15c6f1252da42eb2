package io.sluice.bench.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The soak's verdict: after the warm-up (the first third of the samples), the least-squares trend of the server's
 * heap after a full GC and of its RSS, and their range. A series is bounded when the growth its trend predicts over
 * the analysed window is under {@code max(floor, 5% of its mean)}: 4 MiB for the heap, 16 MiB for RSS (which moves
 * with the allocator's arenas and the collector's own structures). Below those sizes a 30-minute run cannot tell a
 * leak from noise; a leak that small would show in a longer run of the same command.
 */
final class SoakReport {

	/** One sample of the server and of the load, every sampling interval. */
	record Sample(double seconds, double heapAfterGcMib, double heapBeforeGcMib, double nonHeapMib, double rssMib,
			int threads, long openFiles, double cpuCores, double eventsPerSecond, double recordWritesPerSecond,
			double recordUpdatesPerSecond, double rpcCallsPerSecond, long connectCycles, long slowConsumerCuts,
			long errors, String loadAverage) {

		static final String CSV_HEADER = "seconds,heap_after_gc_mib,heap_before_gc_mib,non_heap_mib,rss_mib,threads,"
				+ "open_files,server_cpu_cores,events_delivered_per_s,record_writes_per_s,record_updates_delivered_per_s,"
				+ "rpc_calls_per_s,connect_cycles,slow_consumer_cuts,errors,load_average";

		String csv() {
			return String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d,%.2f,%.0f,%.0f,%.0f,%.0f,%d,%d,%d,%s",
					this.seconds, this.heapAfterGcMib, this.heapBeforeGcMib, this.nonHeapMib, this.rssMib,
					this.threads, this.openFiles, this.cpuCores, this.eventsPerSecond, this.recordWritesPerSecond,
					this.recordUpdatesPerSecond, this.rpcCallsPerSecond, this.connectCycles, this.slowConsumerCuts,
					this.errors, this.loadAverage.replace(' ', '/'));
		}

	}

	/** The trend of one series over the analysed window. */
	record Trend(String name, double slopeMibPerHour, double growthMib, double allowedMib, double min, double max,
			double mean) {

		boolean bounded() {
			return this.growthMib <= this.allowedMib;
		}

		String row() {
			return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %+.1f MiB/h | %+.1f MiB | %.1f MiB | %s |",
					this.name, this.min, this.max, this.mean, this.slopeMibPerHour, this.growthMib, this.allowedMib,
					bounded() ? "bounded" : "GROWS");
		}

	}

	private SoakReport() {
	}

	/** The samples after the warm-up: the last two thirds. */
	static List<Sample> window(List<Sample> samples) {
		return samples.subList(samples.size() / 3, samples.size());
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
		return new Trend(name, slopePerSecond * 3600, slopePerSecond * span, allowed, min, max, meanY);
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
