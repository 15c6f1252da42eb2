package io.sluice.connector.kafka;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the Kafka message bus ({@code sluice.kafka.bus.*}). Connection settings come from Spring Boot's own
 * {@code spring.kafka.*}.
 *
 * @param topicPrefix what the Kafka topic of each bus topic starts with: bus topic {@code records} travels on
 *     {@code sluice.bus.records}
 * @param topics the bus topics whose Kafka topics are created at start-up (when {@code create-topics} is on);
 *     any other topic a node uses is created when first used
 * @param partitions partitions of a topic when it is created here. One sender's messages always share one
 *     partition, so more partitions spread brokers' load without losing order per sender
 * @param replicationFactor replication of the topics when they are created here
 * @param createTopics whether to create missing topics, at start-up and on first use
 * @param startupTimeout how long start-up waits for the brokers to create the topics before it fails
 * @param pollTimeout the longest one poll of a node's consumer waits for messages
 */
@ConfigurationProperties("sluice.kafka.bus")
public record KafkaBusProperties(@DefaultValue("sluice.bus.") String topicPrefix,
		@DefaultValue({ "records", "events", "rpc", "presence", "listen-record", "listen-event",
				"cluster" }) List<String> topics,
		@DefaultValue("1") int partitions, @DefaultValue("1") short replicationFactor,
		@DefaultValue("true") boolean createTopics, @DefaultValue("30s") Duration startupTimeout,
		@DefaultValue("100ms") Duration pollTimeout) {

	public KafkaBusProperties {
		require(topicPrefix != null, "sluice.kafka.bus.topic-prefix must not be null");
		topics = (topics != null) ? List.copyOf(topics) : List.of();
		require(partitions >= 1, "sluice.kafka.bus.partitions must be at least 1, was " + partitions);
		require(replicationFactor >= 1,
				"sluice.kafka.bus.replication-factor must be at least 1, was " + replicationFactor);
		require(startupTimeout != null && startupTimeout.toMillis() >= 1,
				"sluice.kafka.bus.startup-timeout must be at least 1ms");
		require(pollTimeout != null && pollTimeout.toMillis() >= 1,
				"sluice.kafka.bus.poll-timeout must be at least 1ms");
		for (String topic : topics) {
			KafkaBusTopics.kafkaTopic(topicPrefix, topic, "sluice.kafka.bus.topics");
		}
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

}
