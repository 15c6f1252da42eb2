package io.sluice.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the {@code RESULT} lines of several runs and prints, per scenario and server, the median of each number with
 * its spread (min–max over the runs), and the Sluice/deepstream ratio of the medians, as a Markdown table.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.sluice.bench.load.Summary results.jsonl [baseline-target]</pre>
 */
public final class Summary {

	private Summary() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length < 1) {
			System.err.println("Usage: Summary RESULTS_FILE [TARGET_A TARGET_B]");
			System.exit(2);
		}
		String first = (args.length > 2) ? args[1] : "sluice";
		String second = (args.length > 2) ? args[2] : "deepstream";
		Map<String, Map<String, List<Map<String, String>>>> byScenario = new LinkedHashMap<>();
		for (String line : Files.readAllLines(Path.of(args[0]))) {
			int start = line.indexOf("RESULT {");
			if (start < 0) {
				continue;
			}
			Map<String, String> result = RunResult.parseJson(line.substring(start + 7));
			byScenario.computeIfAbsent(result.get("scenario"), (key) -> new LinkedHashMap<>())
				.computeIfAbsent(result.get("target"), (key) -> new ArrayList<>())
				.add(result);
		}
		System.out.println("| scenario | server | runs | rate (median, min–max) | p50 µs | p99 µs | max µs "
				+ "| server CPU | errors/dropped | " + first + "/" + second + " |");
		System.out.println("|---|---|---|---|---|---|---|---|---|---|");
		for (Map.Entry<String, Map<String, List<Map<String, String>>>> scenario : byScenario.entrySet()) {
			Map<String, List<Map<String, String>>> targets = scenario.getValue();
			double ratio = ratio(targets.get(first), targets.get(second));
			for (Map.Entry<String, List<Map<String, String>>> target : targets.entrySet()) {
				List<Map<String, String>> runs = target.getValue();
				String unit = runs.get(0).get("unit");
				System.out.printf(Locale.ROOT, "| %s | %s | %d | %s %s | %s | %s | %s | %s | %s | %s |%n",
						scenario.getKey(), target.getKey(), runs.size(), spread(runs, "rate"), unit,
						spread(runs, "p50_us"), spread(runs, "p99_us"), spread(runs, "max_us"),
						spread(runs, "server_cpu"), total(runs, "errors") + "/" + total(runs, "dropped"),
						(target.getKey().equals(first) && Double.isFinite(ratio))
								? String.format(Locale.ROOT, "%.2f×", ratio) : "");
			}
		}
	}

	private static double ratio(List<Map<String, String>> a, List<Map<String, String>> b) {
		if (a == null || b == null) {
			return Double.NaN;
		}
		double denominator = median(values(b, "rate"));
		return (denominator > 0) ? median(values(a, "rate")) / denominator : Double.NaN;
	}

	private static String spread(List<Map<String, String>> runs, String key) {
		double[] values = values(runs, key);
		if (values.length == 0) {
			return "–";
		}
		double median = median(values);
		if (values.length == 1) {
			return format(median);
		}
		return format(median) + " (" + format(values[0]) + "–" + format(values[values.length - 1]) + ")";
	}

	private static long total(List<Map<String, String>> runs, String key) {
		return runs.stream().mapToLong((run) -> Long.parseLong(run.getOrDefault(key, "0"))).sum();
	}

	private static double[] values(List<Map<String, String>> runs, String key) {
		return runs.stream()
			.map((run) -> run.get(key))
			.filter((value) -> value != null && !value.equals("null"))
			.mapToDouble(Double::parseDouble)
			.sorted()
			.toArray();
	}

	static double median(double[] sorted) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		double[] values = Arrays.copyOf(sorted, sorted.length);
		Arrays.sort(values);
		int middle = values.length / 2;
		return (values.length % 2 == 1) ? values[middle] : (values[middle - 1] + values[middle]) / 2;
	}

	private static String format(double value) {
		if (Math.abs(value) >= 1000) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		return String.format(Locale.ROOT, (Math.abs(value) >= 10) ? "%.1f" : "%.2f", value);
	}

}
