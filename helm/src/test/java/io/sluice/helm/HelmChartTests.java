package io.sluice.helm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart in {@code helm/sluice} with its defaults: linted, rendered, and its guards. */
class HelmChartTests {

	@Test
	void chartPassesStrictLint() {
		LintResult result = new Helm(RenderedChart.CHART).lint().strict().call();

		assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
	}

	@Test
	void defaultsRenderThreeDeploymentsTheServicesThatConnectThemAndTheirDisruptionBudgets() {
		RenderedChart chart = RenderedChart.render((template) -> {
		});

		assertThat(chart.installed()).extracting(RenderedChart::kindAndName)
			.containsExactlyInAnyOrder("Deployment/edge-sluice-gateway", "Service/edge-sluice-gateway",
					"PodDisruptionBudget/edge-sluice-gateway", "Deployment/edge-sluice-record-service",
					"Service/edge-sluice-record-service-headless", "PodDisruptionBudget/edge-sluice-record-service",
					"Deployment/edge-sluice-storage-worker", "Service/edge-sluice-storage-worker-headless",
					"PodDisruptionBudget/edge-sluice-storage-worker");
		assertThat(chart.get(Service.class, "edge-sluice-record-service-headless").getSpec().getClusterIP())
			.isEqualTo("None");
	}

	@Test
	void gatewaysFindRecordServicesThroughTheHeadlessService() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("recordService.apiPort", 7171));

		Map<String, String> env = env(chart.get(Deployment.class, "edge-sluice-gateway"));
		assertThat(env).containsEntry("SLUICE_RECORDS_MODE", "remote")
			.containsEntry("SLUICE_RECORDS_REMOTE_DNS_NAME", "edge-sluice-record-service-headless.sluice-ns.svc.cluster.local")
			.containsEntry("SLUICE_RECORDS_REMOTE_DNS_PORT", "7171")
			.containsEntry("SPRING_DATA_REDIS_HOST", "redis");
		Map<String, String> records = env(chart.get(Deployment.class, "edge-sluice-record-service"));
		assertThat(records).containsEntry("SLUICE_RECORDS_API_PORT", "7171")
			.containsEntry("SPRING_PROFILES_ACTIVE", "mongodb")
			.containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
	}

	@Test
	void postgresStoreIsWiredIntoTheRecordServiceAndTheWorkerWithItsPasswordFromASecret() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("store.type", "postgres")
			.set("store.postgres.existingSecret", "pg-credentials"));

		for (String name : List.of("edge-sluice-record-service", "edge-sluice-storage-worker")) {
			Deployment deployment = chart.get(Deployment.class, name);
			assertThat(env(deployment)).containsEntry("SPRING_R2DBC_URL", "r2dbc:postgresql://postgres:5432/sluice")
				.containsEntry("SPRING_PROFILES_ACTIVE", "postgres")
				.doesNotContainKey("SPRING_MONGODB_URI");
			EnvVar password = variable(deployment, "SPRING_R2DBC_PASSWORD");
			assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("pg-credentials");
			assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
		}
		assertThat(env(chart.get(Deployment.class, "edge-sluice-gateway"))).doesNotContainKey("SPRING_R2DBC_URL");
	}

	@Test
	void everyPodIsProbedOnSpringBootsHealthGroupsNamedOnTheBusAfterItselfAndRunsAsNonRoot() {
		RenderedChart chart = RenderedChart.render((template) -> {
		});

		for (Deployment deployment : chart.all(Deployment.class)) {
			Container container = container(deployment);
			assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
			assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
			assertThat(variable(deployment, "SLUICE_NODE_ID").getValueFrom().getFieldRef().getFieldPath())
				.isEqualTo("metadata.name");
			assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
			assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
			assertThat(container.getVolumeMounts()).anySatisfy((mount) -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
			// The image's own JVM options apply unless javaOpts replaces them.
			assertThat(env(deployment)).doesNotContainKey("JAVA_TOOL_OPTIONS");
		}
	}

	@Test
	void javaOptsReplaceTheImagesJvmOptions() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("gateway.javaOpts", "-Xmx512m"));

		assertThat(env(chart.get(Deployment.class, "edge-sluice-gateway"))).containsEntry("JAVA_TOOL_OPTIONS", "-Xmx512m");
		assertThat(env(chart.get(Deployment.class, "edge-sluice-record-service"))).doesNotContainKey("JAVA_TOOL_OPTIONS");
	}

	@Test
	void unknownStoreTypeIsRejectedByTheSchemaNamingTheValueAndTheChoices() {
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("store.type", "cassandra")))
			.hasMessageContaining("/store/type")
			.hasMessageContaining("'mongodb', 'postgres'");
	}

	@Test
	void emptyRequiredConnectionSettingsFailNamingTheSetting() {
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("redis.host", "")))
			.hasMessageContaining("redis.host is required");
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("kafka.bootstrapServers", "")))
			.hasMessageContaining("kafka.bootstrapServers is required");
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("store.type", "postgres")))
			.hasMessageContaining("store.postgres.existingSecret is required");
	}

	@Test
	void schemaRejectsAValueOfTheWrongTypeAndAnUnknownKey() {
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("gateway.port", "not-a-port")))
			.hasMessageContaining("gateway");
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("gateway.autoscalling.enabled", true)))
			.hasMessageContaining("autoscalling");
	}

	static Container container(Deployment deployment) {
		List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
		assertThat(containers).hasSize(1);
		return containers.get(0);
	}

	/** The variables with a plain value. */
	static Map<String, String> env(Deployment deployment) {
		Map<String, String> env = new LinkedHashMap<>();
		for (EnvVar variable : container(deployment).getEnv()) {
			if (variable.getValue() != null) {
				env.put(variable.getName(), variable.getValue());
			}
		}
		return env;
	}

	static EnvVar variable(Deployment deployment, String name) {
		return container(deployment).getEnv()
			.stream()
			.filter((variable) -> variable.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError(name + " is not set in " + deployment.getMetadata().getName()));
	}

}
