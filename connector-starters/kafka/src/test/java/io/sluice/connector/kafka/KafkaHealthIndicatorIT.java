package io.sluice.connector.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kafka health indicator and the readiness group while the way to a real broker (KRaft, in this JVM) goes and
 * comes back. The embedded broker cannot be restarted on its port, so it advertises a forwarder in front of it,
 * and the test cuts the forwarder: to the node, the cluster is gone, then back.
 */
class KafkaHealthIndicatorIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private EmbeddedKafkaKraftBroker broker;

	private TcpCut network;

	@AfterEach
	void stop() {
		if (this.network != null) {
			this.network.close();
		}
		if (this.broker != null) {
			this.broker.destroy();
		}
	}

	@Test
	void readinessIsDownWhileTheBrokerCannotBeReachedAndUpWhenItCanAgain() throws IOException {
		int advertised;
		try (ServerSocket socket = new ServerSocket(0)) {
			advertised = socket.getLocalPort();
		}
		this.broker = new EmbeddedKafkaKraftBroker(1, 1);
		this.broker.brokerProperty("advertised.listeners", "EXTERNAL://127.0.0.1:" + advertised);
		this.broker.afterPropertiesSet();
		String[] address = this.broker.getBrokersAsString().split(":");
		this.network = new TcpCut(advertised, address[0], Integer.parseInt(address[1]));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class,
					KafkaConnectorAutoConfiguration.class, KafkaHealthAutoConfiguration.class))
			.withConfiguration(KafkaConnectorAutoConfigurationTests.HEALTH)
			.withPropertyValues("sluice.bus.type=kafka", "sluice.kafka.bus.topic-prefix=readiness.bus.",
					"spring.kafka.bootstrap-servers=127.0.0.1:" + advertised, "sluice.kafka.health.timeout=1500ms")
			.withPropertyValues(KafkaConnectorAutoConfigurationTests.READINESS_WITH_KAFKA)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KafkaConnectorAutoConfigurationTests.startedAndTakingTraffic(context);
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				awaitReadiness(health, Status.UP);
				this.network.cut();
				awaitReadiness(health, Status.DOWN);
				assertThat(health.healthForPath("liveness").getStatus()).isEqualTo(Status.UP);
				this.network.restore();
				// The admin client reconnects on its own.
				awaitReadiness(health, Status.UP);
			});
	}

	/** Checks until readiness is {@code wanted}, or fails the test once {@link #TIMEOUT} has passed. */
	private static void awaitReadiness(HealthEndpoint health, Status wanted) {
		await("readiness " + wanted).atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(health.healthForPath("readiness").getStatus()).as("readiness")
				.isEqualTo(wanted));
	}

}
