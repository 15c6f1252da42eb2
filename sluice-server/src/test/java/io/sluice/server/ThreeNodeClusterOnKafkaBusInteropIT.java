package io.sluice.server;

import java.util.List;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * {@link ThreeNodeClusterInterop}'s scenarios with Kafka as the message bus: a real broker (KRaft) in the test's JVM,
 * which the three server processes reach over 127.0.0.1; the cache stays on Redis.
 */
class ThreeNodeClusterOnKafkaBusInteropIT extends ThreeNodeClusterInterop {

	private EmbeddedKafkaKraftBroker kafka;

	@Override
	List<String> startBus() {
		this.kafka = new EmbeddedKafkaKraftBroker(1, 1);
		this.kafka.afterPropertiesSet();
		return List.of("--sluice.bus.type=kafka", "--spring.kafka.bootstrap-servers=" + this.kafka.getBrokersAsString(),
				"--sluice.kafka.bus.topic-prefix=cluster-" + this.run + ".");
	}

	@Override
	void stopBus() {
		if (this.kafka != null) {
			this.kafka.destroy();
		}
	}

	@Override
	String busName() {
		return "kafka-bus";
	}

}
