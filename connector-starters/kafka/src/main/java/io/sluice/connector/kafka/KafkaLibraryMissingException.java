package io.sluice.connector.kafka;

import java.util.List;

/**
 * A Kafka connector was chosen, but the libraries it is built on are not on the class path: the Kafka client
 * ({@code org.apache.kafka:kafka-clients}) or Spring for Apache Kafka, whose auto-configuration turns
 * {@code spring.kafka.*} into client settings.
 */
final class KafkaLibraryMissingException extends RuntimeException {

	private final List<String> choosingProperties;

	private final List<String> missing;

	KafkaLibraryMissingException(List<String> choosingProperties, List<String> missing) {
		super(String.join(" and ", choosingProperties) + " chose the Kafka connector, but "
				+ String.join(" and ", missing) + " not on the class path");
		this.choosingProperties = List.copyOf(choosingProperties);
		this.missing = List.copyOf(missing);
	}

	/** The properties that chose the Kafka connector, such as {@code sluice.bus.type=kafka}. */
	List<String> choosingProperties() {
		return this.choosingProperties;
	}

	/** The missing libraries, by Maven coordinates. */
	List<String> missing() {
		return this.missing;
	}

}
