package io.sluice.connector.kafka;

import java.util.ArrayList;
import java.util.List;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import io.sluice.connector.ConnectorChoice;

/** Which Kafka connectors were chosen, and whether what they need is on the class path. */
final class KafkaConnectors {

	static final String QUEUE_TYPE = ConnectorChoice.QUEUE_TYPE;

	static final String BUS_TYPE = ConnectorChoice.BUS_TYPE;

	static final String BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers";

	static final String KAFKA_CLIENTS = "org.apache.kafka.clients.producer.KafkaProducer";

	static final String SPRING_KAFKA = "org.springframework.kafka.core.KafkaAdmin";

	private KafkaConnectors() {
	}

	/** The properties that chose a Kafka connector, such as {@code sluice.bus.type=kafka}. */
	static List<String> choosingProperties(Environment environment) {
		return ConnectorChoice.choosingProperties(environment, "kafka");
	}

	/** The libraries the Kafka connectors need that {@code classLoader} does not have, by Maven coordinates. */
	static List<String> missingLibraries(ClassLoader classLoader) {
		List<String> missing = new ArrayList<>(2);
		if (!ClassUtils.isPresent(KAFKA_CLIENTS, classLoader)) {
			missing.add("the Kafka client (org.apache.kafka:kafka-clients) is");
		}
		if (!ClassUtils.isPresent(SPRING_KAFKA, classLoader)) {
			missing.add("Spring for Apache Kafka (org.springframework.kafka:spring-kafka) is");
		}
		return missing;
	}

}
