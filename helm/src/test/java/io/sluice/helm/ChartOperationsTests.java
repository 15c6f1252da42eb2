package io.sluice.helm;

import java.nio.file.Path;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;

import static io.sluice.helm.HelmChartTests.container;
import static io.sluice.helm.HelmChartTests.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a production cluster expects of the chart: each feature rendered, typed, and its guards. */
class ChartOperationsTests {

	private static final Path PRODUCTION = Path.of("examples/production-values.yaml").toAbsolutePath();

	@Test
	void aMisspeltOrMisplacedFieldFailsNamingWhereItIs() {
		String deployment = """
				apiVersion: apps/v1
				kind: Deployment
				metadata: {name: typo}
				spec:
				  replica: 2
				  template:
				    spec:
				      containers: [{name: c, image: i, ports: [{containerPorts: 80}]}]
				""";

		assertThatThrownBy(() -> RenderedChart.parse(deployment))
			.hasMessageContaining("Deployment/typo.spec.replica")
			.hasMessageContaining("Deployment/typo.spec.template.spec.containers[0].ports[0].containerPorts");
		assertThatThrownBy(() -> RenderedChart.parse("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\n"
				+ "metadata: {name: old}\n"))
			.hasMessageContaining("HorizontalPodAutoscaler/old has apiVersion autoscaling/v1, its kind is autoscaling/v2");
	}

	@Test
	void productionExampleRendersEveryFeatureIntoValidObjects() {
		RenderedChart chart = RenderedChart.render((template) -> template.withValuesFile(PRODUCTION));

		assertThat(chart.installed()).extracting(HasMetadata::getKind)
			.containsOnly("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Ingress",
					"NetworkPolicy");
		assertThat(chart.all(HorizontalPodAutoscaler.class)).hasSize(2);
		assertThat(chart.all(NetworkPolicy.class)).hasSize(3);
		assertThat(chart.all(PodDisruptionBudget.class)).hasSize(3);
		// Asked for, but not rendered: this renderer's cluster has no monitoring.coreos.com/v1.
		assertThat(chart.all(ServiceMonitor.class)).isEmpty();
		Deployment gateway = chart.get(Deployment.class, "edge-sluice-gateway");
		assertThat(gateway.getSpec().getReplicas()).as("replicas are the autoscaler's").isNull();
		assertThat(container(gateway).getImage()).isEqualTo("registry.example.com/sluice/gateway-service:0.1.0");
		assertThat(env(gateway)).containsEntry("SLUICE_AUTH_TYPE", "file")
			.containsEntry("SLUICE_PERMISSION_TYPE", "config");
	}

	@Test
	void ingressRoutesItsHostsToTheGatewayWithTlsFromASecret() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("gateway.ingress.enabled", true)
			.set("gateway.ingress.className", "nginx")
			.set("gateway.ingress.hosts[0]", "realtime.example.com")
			.set("gateway.ingress.tlsSecret", "sluice-tls")
			.set("gateway.ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-body-size", "10m"));

		Ingress ingress = chart.get(Ingress.class, "edge-sluice-gateway");
		assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
		assertThat(ingress.getSpec().getTls()).singleElement().satisfies((tls) -> {
			assertThat(tls.getSecretName()).isEqualTo("sluice-tls");
			assertThat(tls.getHosts()).containsExactly("realtime.example.com");
		});
		IngressRule rule = ingress.getSpec().getRules().get(0);
		assertThat(rule.getHost()).isEqualTo("realtime.example.com");
		assertThat(rule.getHttp().getPaths().get(0).getBackend().getService().getName()).isEqualTo("edge-sluice-gateway");
		assertThat(rule.getHttp().getPaths().get(0).getBackend().getService().getPort().getName()).isEqualTo("http");
		assertThat(ingress.getMetadata().getAnnotations())
			.containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "10m");

		Ingress anyHost = RenderedChart.render((template) -> template.set("gateway.ingress.enabled", true))
			.get(Ingress.class, "edge-sluice-gateway");
		assertThat(anyHost.getSpec().getRules()).singleElement()
			.satisfies((any) -> assertThat(any.getHost()).isNull());
		assertThat(anyHost.getSpec().getTls()).isEmpty();
	}

	@Test
	void autoscalerScalesOnCpuAndNeedsACpuRequest() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("recordService.autoscaling.enabled", true)
			.set("recordService.resources.requests.cpu", "500m"));

		HorizontalPodAutoscaler autoscaler = chart.get(HorizontalPodAutoscaler.class, "edge-sluice-record-service");
		assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo("edge-sluice-record-service");
		assertThat(autoscaler.getSpec().getMinReplicas()).isEqualTo(2);
		assertThat(autoscaler.getSpec().getMaxReplicas()).isEqualTo(6);
		assertThat(autoscaler.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
			.isEqualTo(70);
		assertThat(chart.get(Deployment.class, "edge-sluice-record-service").getSpec().getReplicas()).isNull();
		assertThat(chart.get(Deployment.class, "edge-sluice-gateway").getSpec().getReplicas()).isEqualTo(2);

		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("gateway.autoscaling.enabled", true)))
			.hasMessageContaining("set gateway.resources.requests.cpu");
	}

	@Test
	void disruptionBudgetsCanBeTurnedOffAndTakeAPercentage() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("storageWorker.podDisruptionBudget.enabled", false)
			.set("gateway.podDisruptionBudget.maxUnavailable", "25%"));

		assertThat(chart.all(PodDisruptionBudget.class)).extracting((budget) -> budget.getMetadata().getName())
			.containsExactlyInAnyOrder("edge-sluice-gateway", "edge-sluice-record-service");
		assertThat(chart.get(PodDisruptionBudget.class, "edge-sluice-gateway").getSpec().getMaxUnavailable().getStrVal())
			.isEqualTo("25%");
	}

	@Test
	void serviceMonitorsScrapeEveryComponentsPrometheusEndpoint() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("metrics.serviceMonitor.enabled", true)
			.set("metrics.serviceMonitor.skipCrdCheck", true)
			.set("metrics.serviceMonitor.labels.release", "prometheus"));

		assertThat(chart.all(ServiceMonitor.class)).hasSize(3).allSatisfy((monitor) -> {
			assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
			assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies((endpoint) -> {
				assertThat(endpoint.getPort()).isEqualTo("http");
				assertThat(endpoint.getPath()).isEqualTo("/actuator/prometheus");
				assertThat(endpoint.getInterval()).isEqualTo("30s");
			});
		});
		// Each selects a Service that names the port it scrapes.
		for (ServiceMonitor monitor : chart.all(ServiceMonitor.class)) {
			assertThat(chart.all(io.fabric8.kubernetes.api.model.Service.class)).anySatisfy((service) -> {
				assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
				assertThat(service.getSpec().getPorts()).anySatisfy((port) -> assertThat(port.getName()).isEqualTo("http"));
			});
		}
		assertThat(RenderedChart.render((template) -> template.set("metrics.serviceMonitor.enabled", true))
			.all(ServiceMonitor.class)).as("without the CRD in the cluster").isEmpty();
	}

	@Test
	void networkPoliciesLetOnlyGatewaysCallTheRecordsApi() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("networkPolicy.enabled", true));

		NetworkPolicy records = chart.get(NetworkPolicy.class, "edge-sluice-record-service");
		assertThat(records.getSpec().getIngress()).singleElement().satisfies((rule) -> {
			assertThat(rule.getPorts().get(0).getPort().getStrVal()).isEqualTo("records-api");
			assertThat(rule.getFrom().get(0).getPodSelector().getMatchLabels())
				.containsEntry("app.kubernetes.io/component", "gateway");
		});
		NetworkPolicyIngressRule clients = chart.get(NetworkPolicy.class, "edge-sluice-gateway").getSpec().getIngress().get(0);
		assertThat(clients.getFrom()).as("anyone may connect to the edge").isEmpty();
		assertThat(chart.get(NetworkPolicy.class, "edge-sluice-storage-worker").getSpec().getIngress()).isEmpty();

		NetworkPolicy restricted = RenderedChart.render((template) -> template.set("networkPolicy.enabled", true)
			.set("networkPolicy.gatewayFrom[0].namespaceSelector.matchLabels.edge", "true"))
			.get(NetworkPolicy.class, "edge-sluice-gateway");
		assertThat(restricted.getSpec().getIngress().get(0).getFrom()).hasSize(2)
			.anySatisfy((peer) -> assertThat(peer.getPodSelector()).isNotNull()
				.extracting((selector) -> selector.getMatchLabels().get("app.kubernetes.io/component"))
				.isEqualTo("test"));
	}

	@Test
	void gatewayServesTlsFromASecretAndIsProbedOverHttps() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("gateway.tls.existingSecret", "gateway-tls"));

		Deployment gateway = chart.get(Deployment.class, "edge-sluice-gateway");
		assertThat(env(gateway)).containsEntry("SERVER_SSL_CERTIFICATE", "file:/etc/sluice/tls/tls.crt")
			.containsEntry("SERVER_SSL_CERTIFICATE_PRIVATE_KEY", "file:/etc/sluice/tls/tls.key");
		assertThat(volume(gateway, "tls").getSecret().getSecretName()).isEqualTo("gateway-tls");
		assertThat(container(gateway).getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
		assertThat(container(chart.get(Deployment.class, "edge-sluice-record-service")).getReadinessProbe()
			.getHttpGet()
			.getScheme()).isEqualTo("HTTP");
		Container test = chart.get(Pod.class, "edge-sluice-test-round-trip").getSpec().getContainers().get(0);
		assertThat(test.getEnv().get(0).getValue()).isEqualTo("https://edge-sluice-gateway.sluice-ns.svc:6020");
		assertThat(test.getCommand().get(2)).contains("set -- --insecure");
	}

	@Test
	void theRecordsApiSpeaksMutualTlsFromASecretWhenOneIsNamed() {
		RenderedChart plain = RenderedChart.render((template) -> {
		});
		assertThat(env(plain.get(Deployment.class, "edge-sluice-record-service")))
			.doesNotContainKey("SLUICE_RECORDS_API_SSL_BUNDLE");
		assertThat(env(plain.get(Deployment.class, "edge-sluice-gateway")))
			.doesNotContainKey("SLUICE_RECORDS_REMOTE_SSL_BUNDLE");

		RenderedChart chart = RenderedChart.render((template) -> template.set("recordService.apiTls.existingSecret",
				"records-tls"));
		Deployment records = chart.get(Deployment.class, "edge-sluice-record-service");
		Deployment gateway = chart.get(Deployment.class, "edge-sluice-gateway");
		assertThat(env(records)).containsEntry("SLUICE_RECORDS_API_SSL_BUNDLE", "records")
			.containsEntry("SLUICE_RECORDS_API_SSL_CLIENT_AUTH", "need")
			.containsEntry("SPRING_SSL_BUNDLE_PEM_RECORDS_TRUSTSTORE_CERTIFICATE", "file:/etc/sluice/records-tls/ca.crt");
		assertThat(env(gateway)).containsEntry("SLUICE_RECORDS_REMOTE_SSL_BUNDLE", "records")
			.containsEntry("SLUICE_RECORDS_REMOTE_SSL_AUTHORITY", "edge-sluice-record-service-headless")
			.containsEntry("SPRING_SSL_BUNDLE_PEM_RECORDS_KEYSTORE_CERTIFICATE", "file:/etc/sluice/records-tls/tls.crt")
			.containsEntry("SPRING_SSL_BUNDLE_PEM_RECORDS_KEYSTORE_PRIVATEKEY", "file:/etc/sluice/records-tls/tls.key");
		for (Deployment each : List.of(records, gateway)) {
			assertThat(volume(each, "records-tls").getSecret().getSecretName()).isEqualTo("records-tls");
			assertThat(container(each).getVolumeMounts()).anySatisfy((mount) -> {
				assertThat(mount.getName()).isEqualTo("records-tls");
				assertThat(mount.getMountPath()).isEqualTo("/etc/sluice/records-tls");
			});
		}
	}

	@Test
	void usersAndPermissionFilesAreMountedFromASecretAndAConfigMap() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("gateway.auth.type", "file,jwt")
			.set("gateway.auth.usersFile.existingSecret", "sluice-users")
			.set("gateway.permission.type", "config")
			.set("gateway.permission.existingConfigMap", "sluice-permissions")
			.set("gateway.permission.key", "rules.json"));

		Deployment gateway = chart.get(Deployment.class, "edge-sluice-gateway");
		assertThat(env(gateway)).containsEntry("SLUICE_AUTH_TYPE", "file,jwt")
			.containsEntry("SLUICE_AUTH_FILE_PATH", "/etc/sluice/users/users.yml")
			.containsEntry("SLUICE_PERMISSION_TYPE", "config")
			.containsEntry("SLUICE_PERMISSION_FILE", "/etc/sluice/permissions/rules.json");
		assertThat(volume(gateway, "users").getSecret().getSecretName()).isEqualTo("sluice-users");
		Volume permissions = volume(gateway, "permissions");
		assertThat(permissions.getConfigMap().getName()).isEqualTo("sluice-permissions");
		assertThat(permissions.getConfigMap().getItems().get(0).getKey()).isEqualTo("rules.json");
		// A directory mount, not subPath: an edited ConfigMap reaches the pod and the gateway reloads it.
		assertThat(container(gateway).getVolumeMounts())
			.anySatisfy((mount) -> {
				assertThat(mount.getMountPath()).isEqualTo("/etc/sluice/permissions");
				assertThat(mount.getSubPath()).isNull();
			});
	}

	@Test
	void filesThatTheChosenStrategiesNeedAreRequired() {
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("gateway.auth.type", "jwt,file")))
			.hasMessageContaining("gateway.auth.type includes file");
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("gateway.permission.type", "config")))
			.hasMessageContaining("gateway.permission.type=config");
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("gateway.permission.existingSecret", "a")
			.set("gateway.permission.existingConfigMap", "b"))).hasMessageContaining("not both");
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("gateway.auth.type", "ldap")))
			.hasMessageContaining("/gateway/auth/type");
	}

	@Test
	void theAdminPageIsOffUnlessEnabledWithAPasswordFromASecret() {
		assertThat(env(RenderedChart.render((template) -> {
		}).get(Deployment.class, "edge-sluice-gateway"))).doesNotContainKey("SLUICE_ADMIN_ENABLED");
		assertThatThrownBy(() -> RenderedChart.render((template) -> template.set("gateway.admin.enabled", true)))
			.hasMessageContaining("gateway.admin.enabled needs gateway.admin.existingSecret");

		Deployment gateway = RenderedChart.render((template) -> template.set("gateway.admin.enabled", true)
			.set("gateway.admin.existingSecret", "admin-login")).get(Deployment.class, "edge-sluice-gateway");
		assertThat(env(gateway)).containsEntry("SLUICE_ADMIN_ENABLED", "true")
			.containsEntry("SLUICE_ADMIN_USERNAME", "admin");
		assertThat(container(gateway).getEnv()).filteredOn((variable) -> variable.getName().equals("SLUICE_ADMIN_PASSWORD"))
			.singleElement()
			.satisfies((password) -> {
				assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("admin-login");
				assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
			});
	}

	@Test
	void helmTestConnectsAndRoundTripsARecordThroughTheHttpApi() {
		RenderedChart chart = RenderedChart.render((template) -> template.set("tests.existingSecret", "probe-login"));

		Pod test = chart.get(Pod.class, "edge-sluice-test-round-trip");
		assertThat(RenderedChart.hook(test)).isEqualTo("test");
		Container container = test.getSpec().getContainers().get(0);
		assertThat(container.getEnv()).extracting((variable) -> variable.getName() + "=" + variable.getValue())
			.contains("BASE=http://edge-sluice-gateway.sluice-ns.svc:6020", "RECORD=helm-test/edge-sluice-ns");
		assertThat(container.getEnv().get(2).getValueFrom().getSecretKeyRef().getName()).isEqualTo("probe-login");
		String script = container.getCommand().get(2);
		assertThat(script).contains("\"${BASE}/deepstream\"", "${BASE}/api/auth", "-X PUT", "-X DELETE",
				"${BASE}/api/v1/records/${RECORD}");
		assertThat(test.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
	}

	private static Volume volume(Deployment deployment, String name) {
		List<Volume> volumes = deployment.getSpec().getTemplate().getSpec().getVolumes();
		return volumes.stream()
			.filter((volume) -> volume.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no volume " + name + " in " + volumes));
	}

}
