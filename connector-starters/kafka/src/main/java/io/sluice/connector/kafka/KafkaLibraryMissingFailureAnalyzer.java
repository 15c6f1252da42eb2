package io.sluice.connector.kafka;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start-up that chose a Kafka connector without the Kafka libraries. */
final class KafkaLibraryMissingFailureAnalyzer extends AbstractFailureAnalyzer<KafkaLibraryMissingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, KafkaLibraryMissingException cause) {
		String chosenBy = String.join(" and ", cause.choosingProperties());
		String description = chosenBy + " chose the Kafka connector, but " + String.join(" and ", cause.missing())
				+ " not on the class path.";
		String action = "Add org.springframework.kafka:spring-kafka (it brings org.apache.kafka:kafka-clients) and "
				+ "org.springframework.boot:spring-boot-kafka, and point " + KafkaConnectors.BOOTSTRAP_SERVERS
				+ " at your brokers; or choose another connector with " + chosenBy.replace("=kafka", "=memory") + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
