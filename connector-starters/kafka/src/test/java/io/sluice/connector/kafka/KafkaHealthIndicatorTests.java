package io.sluice.connector.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka health check against an address where no broker listens. */
class KafkaHealthIndicatorTests {

	@Test
	void unreachableClusterIsDownWithTheErrorOnceTheTimeoutPasses() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		try (KafkaHealthIndicator indicator = new KafkaHealthIndicator(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port), Duration.ofMillis(300))) {
			StepVerifier.create(indicator.health())
				.assertNext((health) -> {
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails()).containsKey("error");
					assertThat(String.valueOf(health.getDetails().get("error"))).containsIgnoringCase("timed out");
				})
				.expectComplete()
				.verify(Duration.ofSeconds(10));
		}
	}

}
