package io.sluice.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard {@code ops/grafana/sluice.json} is one Grafana imports: a uid, a title, a schema version, a
 * Prometheus data source chosen on import, and panels that each query it with PromQL; and every metric it queries is
 * documented in {@code docs/observability.md}. ({@link MetricsInteropIT} checks them against a running server.)
 */
class GrafanaDashboardTests {

	private static final Path OBSERVABILITY = GrafanaDashboard.FILE.resolve("../../../docs/observability.md").normalize();

	@Test
	void theDashboardIsOneGrafanaImports() throws Exception {
		JsonNode json = GrafanaDashboard.load().json();
		assertThat(json.path("uid").asString("")).matches("[a-zA-Z0-9_-]{1,40}");
		assertThat(json.path("title").asString("")).isNotBlank();
		assertThat(json.path("schemaVersion").asInt(0)).isGreaterThanOrEqualTo(36);
		JsonNode datasource = json.path("templating").path("list").get(0);
		assertThat(datasource.path("name").asString("")).isEqualTo("datasource");
		assertThat(datasource.path("type").asString("")).isEqualTo("datasource");
		assertThat(datasource.path("query").asString("")).isEqualTo("prometheus");
	}

	@Test
	void everyPanelQueriesPrometheusWithPromQl() throws Exception {
		GrafanaDashboard dashboard = GrafanaDashboard.load();
		Set<Integer> ids = new HashSet<>();
		int queried = 0;
		for (JsonNode panel : dashboard.panels()) {
			String title = panel.path("title").asString("");
			assertThat(ids.add(panel.path("id").asInt(-1))).as("the id of '%s' is unique", title).isTrue();
			assertThat(title).isNotBlank();
			JsonNode grid = panel.path("gridPos");
			assertThat(grid.path("w").asInt(0)).as("the width of '%s'", title).isBetween(1, 24);
			assertThat(grid.path("x").asInt(-1) + grid.path("w").asInt(0)).as("'%s' fits", title).isLessThanOrEqualTo(24);
			if (panel.path("type").asString("").equals("row")) {
				continue;
			}
			assertThat(panel.path("datasource").path("type").asString("")).as("the data source of '%s'", title)
				.isEqualTo("prometheus");
			assertThat(panel.path("datasource").path("uid").asString("")).isEqualTo("${datasource}");
			assertThat(panel.path("targets").isArray() && !panel.path("targets").isEmpty())
				.as("'%s' has queries", title)
				.isTrue();
			Set<String> refIds = new HashSet<>();
			for (JsonNode target : panel.path("targets")) {
				assertThat(refIds.add(target.path("refId").asString(""))).as("the refIds of '%s'", title).isTrue();
				String expression = target.path("expr").asString("");
				assertThat(GrafanaDashboard.metricNames(expression)).as("the metrics of '%s': %s", title, expression)
					.isNotEmpty()
					.allMatch((name) -> name.startsWith("sluice_"));
				assertThat(balanced(expression)).as("the brackets of %s", expression).isTrue();
				queried++;
			}
		}
		assertThat(queried).isGreaterThan(20);
	}

	@Test
	void everyMetricTheDashboardQueriesIsDocumented() throws Exception {
		String docs = Files.readString(OBSERVABILITY);
		assertThat(GrafanaDashboard.load().metricNames()).allSatisfy((name) -> assertThat(docs).contains(name));
	}

	@Test
	void metricNamesAreReadOutOfPromQlWithoutFunctionsLabelsOrRanges() {
		assertThat(GrafanaDashboard.metricNames("histogram_quantile(0.99, sum by (le) "
				+ "(rate(a_seconds_bucket{outcome=\"ok\", other=~\"x_y\"}[$__rate_interval])))"))
			.containsExactly("a_seconds_bucket");
		assertThat(GrafanaDashboard.metricNames("sum(rate(a_total[5m])) / sum(rate(b_total[5m])) > 1e3"))
			.containsExactly("a_total", "b_total");
		assertThat(GrafanaDashboard.metricNames("max by (state) (c) or on (instance) d offset 5m"))
			.containsExactly("c", "d");
	}

	private static boolean balanced(String expression) {
		int depth = 0;
		for (char c : expression.toCharArray()) {
			depth += (c == '(' || c == '{' || c == '[') ? 1 : (c == ')' || c == '}' || c == ']') ? -1 : 0;
			if (depth < 0) {
				return false;
			}
		}
		return depth == 0;
	}

}
