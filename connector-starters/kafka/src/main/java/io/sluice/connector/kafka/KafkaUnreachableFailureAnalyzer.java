package io.sluice.connector.kafka;

import java.util.List;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

import io.sluice.connector.ConnectorException;

/**
 * Explains a start-up that chose a Kafka connector whose brokers did not answer in time (creating the topics, or
 * reading their metadata, timed out). Other failures of the Kafka connectors are left to their own message.
 */
final class KafkaUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<ConnectorException> {

	/** Kafka's and the JDK's timeouts, by name: this class must load even where kafka-clients is missing. */
	private static final List<String> TIMEOUTS = List.of("org.apache.kafka.common.errors.TimeoutException",
			"java.util.concurrent.TimeoutException");

	private final Environment environment;

	KafkaUnreachableFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConnectorException cause) {
		if (!KafkaStorageQueue.CONNECTOR.equals(cause.connector()) || !timedOut(cause)) {
			return null;
		}
		List<String> choosing = KafkaConnectors.choosingProperties(this.environment);
		String chosenBy = choosing.isEmpty() ? KafkaConnectors.QUEUE_TYPE + "=kafka or " + KafkaConnectors.BUS_TYPE
				+ "=kafka" : String.join(" and ", choosing);
		String servers = this.environment.getProperty(KafkaConnectors.BOOTSTRAP_SERVERS);
		String where = (servers != null) ? servers + " (" + KafkaConnectors.BOOTSTRAP_SERVERS + ")"
				: "localhost:9092 (Spring Boot's default, as " + KafkaConnectors.BOOTSTRAP_SERVERS + " is not set)";
		String description = chosenBy + " chose the Kafka connector, but no Kafka broker answered at " + where
				+ " in time: " + cause.getMessage();
		String action = "Start Kafka, or point " + KafkaConnectors.BOOTSTRAP_SERVERS + " at running brokers (check "
				+ "the host, the port, and that the listeners the brokers advertise are reachable from here); or "
				+ "choose another connector with " + chosenBy.replace("=kafka", "=memory") + ".";
		return new FailureAnalysis(description, action, cause);
	}

	private static boolean timedOut(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (TIMEOUTS.contains(cause.getClass().getName())) {
				return true;
			}
		}
		return false;
	}

}
