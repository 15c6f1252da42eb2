package io.sluice.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One scrape of {@code /actuator/prometheus} in the Prometheus text format, parsed into its samples: each with its
 * metric name (as the series has it: a histogram's {@code _bucket}, {@code _count} and {@code _sum} are names of
 * their own), its labels as written, and its value.
 */
record PrometheusScrape(List<Sample> samples, Set<String> names) {

	static PrometheusScrape parse(String text) {
		List<Sample> samples = new ArrayList<>();
		Set<String> names = new TreeSet<>();
		for (String line : text.split("\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			int labels = line.indexOf('{');
			int space = line.lastIndexOf(' ');
			String name = line.substring(0, (labels >= 0) ? labels : line.indexOf(' '));
			String labelText = (labels >= 0) ? line.substring(labels + 1, line.lastIndexOf('}')) : "";
			samples.add(new Sample(name, labelText, Double.parseDouble(line.substring(space + 1))));
			names.add(name);
		}
		return new PrometheusScrape(Collections.unmodifiableList(samples), Collections.unmodifiableSet(names));
	}

	/** The samples of {@code name} whose labels include every one of {@code labels} ({@code name="value"} each). */
	List<Sample> samples(String name, String... labels) {
		return this.samples.stream()
			.filter((sample) -> sample.name().equals(name))
			.filter((sample) -> List.of(labels).stream().allMatch((label) -> sample.labels().contains(label)))
			.toList();
	}

	/** The sum of the values of {@link #samples}. */
	double sum(String name, String... labels) {
		return samples(name, labels).stream().mapToDouble(Sample::value).sum();
	}

	/** The names and their summed values, for a failure's message. */
	Map<String, Double> totals() {
		Map<String, Double> totals = new LinkedHashMap<>();
		this.samples.forEach((sample) -> totals.merge(sample.name(), sample.value(), Double::sum));
		return totals;
	}

	record Sample(String name, String labels, double value) {
	}

}
