package io.sluice.connector.kafka;

import java.util.regex.Pattern;

/** How a bus topic is named in Kafka, and which names Kafka accepts. */
final class KafkaBusTopics {

	/** Kafka's own limit: a topic's name becomes a directory name per partition. */
	private static final int MAX_LENGTH = 249;

	private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

	private KafkaBusTopics() {
	}

	/**
	 * The Kafka topic of bus topic {@code topic}.
	 * @param what where the name came from, for the error message
	 * @throws IllegalArgumentException if Kafka would not accept the name
	 */
	static String kafkaTopic(String prefix, String topic, String what) {
		if (topic == null || topic.isEmpty()) {
			throw new IllegalArgumentException(what + ": a bus topic must not be empty");
		}
		String name = prefix + topic;
		if (!LEGAL.matcher(name).matches() || name.equals(".") || name.equals("..")) {
			throw new IllegalArgumentException(what + ": Kafka topic '" + name + "' of bus topic '" + topic
					+ "' may hold only ASCII letters, digits, '.', '_' and '-'");
		}
		if (name.length() > MAX_LENGTH) {
			throw new IllegalArgumentException(what + ": Kafka topic '" + name + "' of bus topic '" + topic
					+ "' is longer than Kafka's " + MAX_LENGTH + " characters");
		}
		return name;
	}

}
