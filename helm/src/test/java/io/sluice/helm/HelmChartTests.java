package io.sluice.helm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart in {@code helm/sluice}, linted and rendered by Helm's own library. */
class HelmChartTests {

	private static final Path CHART = Path.of("sluice").toAbsolutePath();

	@Test
	void chartPassesStrictLint() {
		LintResult result = new Helm(CHART).lint().strict().call();

		assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
	}

	@Test
	void defaultsRenderThreeDeploymentsAndTheServicesThatConnectThem() {
		List<Map<String, Object>> objects = render((template) -> {
		});

		assertThat(objects).extracting(HelmChartTests::kindAndName)
			.containsExactlyInAnyOrder("Deployment/edge-sluice-gateway", "Service/edge-sluice-gateway",
					"Deployment/edge-sluice-record-service", "Service/edge-sluice-record-service-headless",
					"Deployment/edge-sluice-storage-worker");
		Map<String, Object> headless = find(objects, "Service/edge-sluice-record-service-headless");
		assertThat(at(headless, "spec", "clusterIP")).isEqualTo("None");
	}

	@Test
	void gatewaysFindRecordServicesThroughTheHeadlessService() {
		List<Map<String, Object>> objects = render((template) -> template.set("recordService.apiPort", 7171));

		Map<String, String> env = env(find(objects, "Deployment/edge-sluice-gateway"));
		assertThat(env).containsEntry("SLUICE_RECORDS_MODE", "remote")
			.containsEntry("SLUICE_RECORDS_REMOTE_DNS_NAME", "edge-sluice-record-service-headless.sluice-ns.svc.cluster.local")
			.containsEntry("SLUICE_RECORDS_REMOTE_DNS_PORT", "7171")
			.containsEntry("SPRING_DATA_REDIS_HOST", "redis");
		Map<String, String> records = env(find(objects, "Deployment/edge-sluice-record-service"));
		assertThat(records).containsEntry("SLUICE_RECORDS_API_PORT", "7171")
			.containsEntry("SPRING_PROFILES_ACTIVE", "mongodb")
			.containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
	}

	@Test
	void postgresStoreIsWiredIntoTheRecordServiceAndTheWorkerWithItsPasswordFromASecret() {
		List<Map<String, Object>> objects = render((template) -> template.set("store.type", "postgres")
			.set("store.postgres.existingSecret", "pg-credentials"));

		for (String deployment : List.of("Deployment/edge-sluice-record-service", "Deployment/edge-sluice-storage-worker")) {
			Map<String, Object> container = container(find(objects, deployment));
			Map<String, String> env = env(find(objects, deployment));
			assertThat(env).containsEntry("SPRING_R2DBC_URL", "r2dbc:postgresql://postgres:5432/sluice")
				.doesNotContainKey("SPRING_MONGODB_URI");
			assertThat(env).containsEntry("SPRING_PROFILES_ACTIVE", "postgres");
			assertThat(container.toString()).contains("secretKeyRef={name=pg-credentials, key=password}");
		}
		assertThat(env(find(objects, "Deployment/edge-sluice-gateway"))).doesNotContainKey("SPRING_R2DBC_URL");
	}

	@Test
	void everyPodIsProbedOnSpringBootsHealthGroupsAndNamedOnTheBusAfterItself() {
		List<Map<String, Object>> objects = render((template) -> {
		});

		for (Map<String, Object> object : objects) {
			if (!"Deployment".equals(object.get("kind"))) {
				continue;
			}
			Map<String, Object> container = container(object);
			assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
			assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
			assertThat(container.toString()).contains("name=SLUICE_NODE_ID, valueFrom={fieldRef={fieldPath=metadata.name}}");
		}
	}

	@Test
	void unknownStoreTypeIsRejectedByTheSchemaNamingTheValueAndTheChoices() {
		assertThatThrownBy(() -> render((template) -> template.set("store.type", "cassandra")))
			.hasMessageContaining("/store/type")
			.hasMessageContaining("'mongodb', 'postgres'");
	}

	@Test
	void emptyRequiredConnectionSettingsFailNamingTheSetting() {
		assertThatThrownBy(() -> render((template) -> template.set("redis.host", "")))
			.hasMessageContaining("redis.host is required");
		assertThatThrownBy(() -> render((template) -> template.set("kafka.bootstrapServers", "")))
			.hasMessageContaining("kafka.bootstrapServers is required");
		assertThatThrownBy(() -> render((template) -> template.set("store.type", "postgres")))
			.hasMessageContaining("store.postgres.existingSecret is required");
	}

	@Test
	void schemaRejectsAValueOfTheWrongType() {
		assertThatThrownBy(() -> render((template) -> template.set("gateway.port", "not-a-port")))
			.hasMessageContaining("gateway");
	}

	private static List<Map<String, Object>> render(Consumer<TemplateCommand> settings) {
		TemplateCommand template = new Helm(CHART).template().withName("edge").withNamespace("sluice-ns");
		settings.accept(template);
		String manifests = template.call();
		List<Map<String, Object>> objects = new ArrayList<>();
		for (Object document : new Yaml().loadAll(manifests)) {
			if (document != null) {
				objects.add(cast(document));
			}
		}
		return objects;
	}

	private static String kindAndName(Map<String, Object> object) {
		return object.get("kind") + "/" + at(object, "metadata", "name");
	}

	private static Map<String, Object> find(List<Map<String, Object>> objects, String kindAndName) {
		return objects.stream()
			.filter((object) -> kindAndName(object).equals(kindAndName))
			.findFirst()
			.orElseThrow(() -> new AssertionError(kindAndName + " was not rendered"));
	}

	private static Map<String, Object> container(Map<String, Object> deployment) {
		List<Object> containers = cast(at(deployment, "spec", "template", "spec", "containers"));
		assertThat(containers).hasSize(1);
		return cast(containers.get(0));
	}

	private static Map<String, String> env(Map<String, Object> deployment) {
		List<Object> variables = cast(container(deployment).get("env"));
		Map<String, String> env = new java.util.LinkedHashMap<>();
		for (Object variable : variables) {
			Map<String, Object> entry = cast(variable);
			if (entry.containsKey("value")) {
				env.put((String) entry.get("name"), String.valueOf(entry.get("value")));
			}
		}
		return env;
	}

	private static Object at(Map<String, Object> object, String... path) {
		Object current = object;
		for (String key : path) {
			current = ((Map<?, ?>) current).get(key);
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	private static <T> T cast(Object value) {
		return (T) value;
	}

}
