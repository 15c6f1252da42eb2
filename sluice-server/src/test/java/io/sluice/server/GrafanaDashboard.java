package io.sluice.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Grafana dashboard in {@code ops/grafana/sluice.json}, and the metric names its PromQL queries read. */
record GrafanaDashboard(JsonNode json) {

	static final Path FILE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
		.resolve("../ops/grafana/sluice.json")
		.normalize();

	/** PromQL's keywords, which read like names but are not. */
	private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");

	private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

	static GrafanaDashboard load() throws IOException {
		return new GrafanaDashboard(JsonMapper.builder().build().readTree(FILE.toFile()));
	}

	/** Every panel, those inside collapsed rows included. */
	List<JsonNode> panels() {
		List<JsonNode> panels = new ArrayList<>();
		for (JsonNode panel : this.json.path("panels")) {
			panels.add(panel);
			panel.path("panels").forEach(panels::add);
		}
		return panels;
	}

	/** Every query's expression. */
	List<String> expressions() {
		List<String> expressions = new ArrayList<>();
		for (JsonNode panel : panels()) {
			for (JsonNode target : panel.path("targets")) {
				expressions.add(target.path("expr").asString(""));
			}
		}
		return expressions;
	}

	/** The metric names {@code expression} reads. */
	static Set<String> metricNames(String expression) {
		String bare = expression
			// label lists of aggregations and matching: names of labels, not of metrics
			.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
			.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ")
			.replaceAll("\\{[^}]*\\}", " ")
			.replaceAll("\\[[^\\]]*\\]", " ")
			.replaceAll("\\$\\w+", " ");
		Set<String> names = new TreeSet<>();
		Matcher identifier = IDENTIFIER.matcher(bare);
		while (identifier.find()) {
			String name = identifier.group();
			int after = identifier.end();
			while (after < bare.length() && bare.charAt(after) == ' ') {
				after++;
			}
			boolean call = after < bare.length() && bare.charAt(after) == '(';
			boolean number = identifier.start() > 0 && Character.isDigit(bare.charAt(identifier.start() - 1));
			if (!call && !number && !KEYWORDS.contains(name.toLowerCase())) {
				names.add(name);
			}
		}
		return names;
	}

	/** The metric names of every query. */
	Set<String> metricNames() {
		Set<String> names = new TreeSet<>();
		expressions().forEach((expression) -> names.addAll(metricNames(expression)));
		return names;
	}

}
