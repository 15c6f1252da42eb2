package io.sluice.gateway.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway deployable answers deepstream's {@code GET /health-check} on its web server port with the health of
 * {@code /actuator/health}: 200 when that is UP, 503 when it is DOWN. Runs the deployable with an in-memory bus, so
 * that only the Redis health indicator, turned on or off, decides its health.
 */
class GatewayHealthCheckIT {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void healthCheckAnswers200WhenHealthy() throws Exception {
		try (ConfigurableApplicationContext gateway = start("--management.health.redis.enabled=false")) {
			HttpResponse<String> actuator = get(gateway, "/actuator/health");
			HttpResponse<String> healthCheck = get(gateway, "/health-check");
			assertThat(actuator.statusCode()).as(actuator.body()).isEqualTo(200);
			assertThat(healthCheck.statusCode()).as(healthCheck.body()).isEqualTo(200);
			assertThat(healthCheck.body().replace(" ", "")).contains("\"status\":\"UP\"");
		}
	}

	@Test
	void healthCheckAnswers503WhenTheActuatorHealthIsDown() throws Exception {
		// Redis health on, pointed at a port nothing listens on: DOWN.
		try (ConfigurableApplicationContext gateway = start("--management.health.redis.enabled=true",
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + closedPort(),
				"--spring.data.redis.timeout=500ms", "--spring.data.redis.connect-timeout=500ms")) {
			HttpResponse<String> actuator = get(gateway, "/actuator/health");
			HttpResponse<String> healthCheck = get(gateway, "/health-check");
			assertThat(actuator.statusCode()).as(actuator.body()).isEqualTo(503);
			assertThat(healthCheck.statusCode()).as(healthCheck.body()).isEqualTo(503);
		}
	}

	private ConfigurableApplicationContext start(String... more) {
		String[] args = { "--server.port=0", "--sluice.bus.type=memory", "--sluice.records.remote.dns-name=",
				"--sluice.records.remote.instances=127.0.0.1:1", "--spring.main.banner-mode=off" };
		String[] all = new String[args.length + more.length];
		System.arraycopy(args, 0, all, 0, args.length);
		System.arraycopy(more, 0, all, args.length, more.length);
		return GatewayApplication.application().run(all);
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

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
