package io.sluice.connector.kafka;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the Kafka storage queue ({@code sluice.kafka.queue.*}). Connection settings come from Spring Boot's
 * own {@code spring.kafka.*}.
 *
 * @param topic the topic queued writes go to
 * @param deadLetterTopic where messages that are not queued writes go, with the reason in a header
 * @param partitions partitions of the topic when it is created here
 * @param replicationFactor replication of the topics when they are created here
 * @param createTopics whether to create the topics at start-up when they are missing
 * @param groupId the consumer group of the storage workers
 * @param maxUncommittedBatches how many batches a consumer hands out before it waits for commits: bounds the
 *     memory a slow store can make the consumer hold
 * @param pollTimeout the longest one poll waits for messages
 * @param drainedCheckInterval how often {@code drained} looks at the group's committed offsets
 */
@ConfigurationProperties("sluice.kafka.queue")
public record KafkaQueueProperties(@DefaultValue("sluice.records") String topic,
		@DefaultValue("sluice.records.dlt") String deadLetterTopic, @DefaultValue("16") int partitions,
		@DefaultValue("1") short replicationFactor, @DefaultValue("true") boolean createTopics,
		@DefaultValue("sluice-storage-worker") String groupId, @DefaultValue("64") int maxUncommittedBatches,
		@DefaultValue("100ms") Duration pollTimeout, @DefaultValue("20ms") Duration drainedCheckInterval) {

	public KafkaQueueProperties {
		require(topic != null && !topic.isBlank(), "sluice.kafka.queue.topic must not be empty");
		require(deadLetterTopic != null && !deadLetterTopic.isBlank() && !deadLetterTopic.equals(topic),
				"sluice.kafka.queue.dead-letter-topic must be set and differ from sluice.kafka.queue.topic");
		require(partitions >= 1, "sluice.kafka.queue.partitions must be at least 1, was " + partitions);
		require(replicationFactor >= 1,
				"sluice.kafka.queue.replication-factor must be at least 1, was " + replicationFactor);
		require(groupId != null && !groupId.isBlank(), "sluice.kafka.queue.group-id must not be empty");
		require(maxUncommittedBatches >= 1,
				"sluice.kafka.queue.max-uncommitted-batches must be at least 1, was " + maxUncommittedBatches);
		require(pollTimeout.toMillis() >= 1, "sluice.kafka.queue.poll-timeout must be at least 1ms");
		require(drainedCheckInterval.toMillis() >= 1, "sluice.kafka.queue.drained-check-interval must be at least 1ms");
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

}
