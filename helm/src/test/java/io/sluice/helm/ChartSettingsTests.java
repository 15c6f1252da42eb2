package io.sluice.helm;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.sluice.connector.ConnectorChoice;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every environment variable the chart sets, and every one its values and the production example name, is a
 * property the code binds: one of the configuration metadata that the deployables and Spring Boot ship
 * ({@code META-INF/spring-configuration-metadata.json}), in Spring Boot's environment form.
 */
class ChartSettingsTests {

	/** Variables meant for the JVM, not for Spring. */
	private static final Set<String> JVM = Set.of("JAVA_TOOL_OPTIONS");

	private static final Pattern VARIABLE = Pattern.compile("\\b(?:SLUICE|SPRING|SERVER|MANAGEMENT)_[A-Z0-9_]+\\b");

	@Test
	void everyVariableTheChartSetsIsAPropertyTheCodeBinds() throws IOException {
		Set<String> known = knownVariables();
		Set<String> set = new TreeSet<>();
		for (RenderedChart chart : List.of(RenderedChart.render((template) -> {
		}), RenderedChart.render((template) -> template.withValuesFile(Path.of("examples/production-values.yaml")
			.toAbsolutePath())), RenderedChart.render((template) -> template.set("gateway.tls.existingSecret", "tls")
				.set("store.type", "postgres")
				.set("store.postgres.existingSecret", "pg")
				.set("redis.existingSecret", "redis")))) {
			for (Deployment deployment : chart.all(Deployment.class)) {
				for (EnvVar variable : HelmChartTests.container(deployment).getEnv()) {
					set.add(variable.getName());
				}
			}
		}
		set.removeAll(JVM);

		assertThat(set).as("variables the chart sets").hasSizeGreaterThan(15);
		assertThat(set).as("variables the chart sets that no property of the code binds").isSubsetOf(known);
	}

	@Test
	void everyVariableTheValuesAndTheExampleNameIsAPropertyTheCodeBinds() throws IOException {
		Set<String> known = knownVariables();
		Set<String> named = new TreeSet<>();
		for (Path file : List.of(RenderedChart.CHART.resolve("values.yaml"), Path.of("examples/production-values.yaml"))) {
			Matcher matcher = VARIABLE.matcher(Files.readString(file));
			while (matcher.find()) {
				named.add(matcher.group());
			}
		}

		assertThat(named).as("variables named in the values").isNotEmpty();
		assertThat(named).as("variables named in the values that no property of the code binds").isSubsetOf(known);
	}

	/**
	 * Each property's environment forms: upper case, dots as underscores, dashes removed (Spring Boot's canonical form)
	 * or as underscores (the form Spring's system environment property source also matches).
	 */
	private static Set<String> knownVariables() throws IOException {
		Set<String> properties = new HashSet<>();
		JsonMapper json = JsonMapper.builder().build();
		Enumeration<URL> files = ChartSettingsTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (files.hasMoreElements()) {
			try (InputStream in = files.nextElement().openStream()) {
				JsonNode metadata = json.readTree(in);
				metadata.path("properties").forEach((property) -> properties.add(property.get("name").asString()));
			}
		}
		// Read by ConnectorChoice from the environment, not bound to a properties record.
		properties.add(ConnectorChoice.NODE_ID);
		assertThat(properties).as("configuration metadata on the class path")
			.contains("server.port", "sluice.auth.type", "spring.kafka.bootstrap-servers", "sluice.worker.enabled");
		Set<String> variables = new HashSet<>();
		for (String property : properties) {
			String upper = property.toUpperCase(Locale.ROOT).replace('.', '_');
			variables.add(upper.replace("-", ""));
			variables.add(upper.replace('-', '_'));
		}
		return variables;
	}

}
