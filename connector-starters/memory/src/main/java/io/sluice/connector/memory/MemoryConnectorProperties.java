package io.sluice.connector.memory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the in-memory connectors, under {@code sluice.memory}.
 *
 * @param queuePartitions how many partitions the in-memory storage queue spreads records over
 * @param queueMaxBatch the most writes in one batch of the in-memory storage queue
 */
@ConfigurationProperties("sluice.memory")
public record MemoryConnectorProperties(@DefaultValue("16") int queuePartitions,
		@DefaultValue("256") int queueMaxBatch) {

	public MemoryConnectorProperties {
		if (queuePartitions < 1) {
			throw new IllegalArgumentException(
					"sluice.memory.queue-partitions must be at least 1, was " + queuePartitions);
		}
		if (queueMaxBatch < 1) {
			throw new IllegalArgumentException(
					"sluice.memory.queue-max-batch must be at least 1, was " + queueMaxBatch);
		}
	}

}
