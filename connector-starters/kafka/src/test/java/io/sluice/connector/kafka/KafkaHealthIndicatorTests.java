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
		try (KafkaHealthIndicator indicator = new KafkaHealthIndicator(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort()), Duration.ofMillis(300),
				Duration.ofMillis(300))) {
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

	@Test
	void aRequestWhileACheckRunsIsAnsweredWithTheLastResultWithoutWaitingForIt() throws IOException {
		// The check takes its whole timeout against a closed port; a request waits a fortieth of it.
		try (KafkaHealthIndicator indicator = new KafkaHealthIndicator(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort()), Duration.ofSeconds(2),
				Duration.ofMillis(50))) {
			StepVerifier.create(indicator.health())
				.assertNext((first) -> {
					assertThat(first.getStatus()).as("the first check is waited for").isEqualTo(Status.DOWN);
					assertThat(first.getDetails()).doesNotContainKey("checking");
				})
				.expectComplete()
				.verify(Duration.ofSeconds(10));
			StepVerifier.create(indicator.health())
				.assertNext((next) -> {
					assertThat(next.getStatus()).isEqualTo(Status.DOWN);
					assertThat(next.getDetails()).containsEntry("checking", true).containsKey("error");
				})
				.expectComplete()
				.verify(Duration.ofSeconds(10));
		}
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
