package io.sluice.gateway.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway deployable answers deepstream's {@code GET /health-check} on its web server port with the health of
 * {@code /actuator/health}: 200 when that is UP, 503 when it is DOWN. Runs the deployable with an in-memory bus and
 * history (no Redis), and for DOWN one more health indicator that says so.
 */
class GatewayHealthCheckIT {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void healthCheckAnswers200WhenHealthy() throws Exception {
		try (ConfigurableApplicationContext gateway = start(null)) {
			HttpResponse<String> actuator = get(gateway, "/actuator/health");
			HttpResponse<String> healthCheck = get(gateway, "/health-check");
			assertThat(actuator.statusCode()).as(actuator.body()).isEqualTo(200);
			assertThat(healthCheck.statusCode()).as(healthCheck.body()).isEqualTo(200);
			assertThat(healthCheck.body().replace(" ", "")).contains("\"status\":\"UP\"");
		}
	}

	@Test
	void healthCheckAnswers503WhenTheActuatorHealthIsDown() throws Exception {
		// One indicator DOWN, as a connector's would be when it cannot reach its service.
		HealthIndicator down = () -> Health.down().withDetail("reason", "down for this test").build();
		try (ConfigurableApplicationContext gateway = start(down)) {
			HttpResponse<String> actuator = get(gateway, "/actuator/health");
			HttpResponse<String> healthCheck = get(gateway, "/health-check");
			assertThat(actuator.statusCode()).as(actuator.body()).isEqualTo(503);
			assertThat(healthCheck.statusCode()).as(healthCheck.body()).isEqualTo(503);
		}
	}

	private ConfigurableApplicationContext start(HealthIndicator extra) {
		SpringApplicationBuilder application = GatewayApplication.application();
		if (extra != null) {
			application.initializers((context) -> context.getBeanFactory().registerSingleton("extraHealth", extra));
		}
		return application.run("--server.port=0", "--sluice.bus.type=memory", "--sluice.history.type=memory",
				"--sluice.records.remote.dns-name=",
				"--sluice.records.remote.instances=127.0.0.1:1", "--spring.main.banner-mode=off");
	}

	private HttpResponse<String> get(ConfigurableApplicationContext gateway, String path)
			throws IOException, InterruptedException {
		int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.GET()
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
