package io.sluice.connector.memory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureOrder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.MessageBus;
import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.StreamHistory;

/**
 * The in-memory connectors: the default for every port whose {@code sluice.<port>.type} is {@code memory} or not
 * set, except the storage queue, which is only there with {@code sluice.queue.type=memory} (the default,
 * {@code none}, has the record service write straight to the store). The journaled queue of this process ({@code sluice.queue.type=file}) is the
 * file starter's. Ordered last, so that the adapter of any other starter wins.
 */
@AutoConfiguration(afterName = "io.sluice.connector.sql.SqlConnectorAutoConfiguration")
@AutoConfigureOrder(Ordered.LOWEST_PRECEDENCE)
@EnableConfigurationProperties({ ConnectorChoice.class, MemoryConnectorProperties.class })
public final class MemoryConnectorAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(MemoryConnectorAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(RecordCache.class)
	@ConditionalOnProperty(name = ConnectorChoice.CACHE_TYPE, havingValue = "memory", matchIfMissing = true)
	InMemoryRecordCache inMemoryRecordCache() {
		logger.info("Record cache: memory (this process only)");
		return new InMemoryRecordCache();
	}

	@Bean
	@ConditionalOnMissingBean(RecordStore.class)
	@ConditionalOnProperty(name = ConnectorChoice.STORAGE_TYPE, havingValue = "memory", matchIfMissing = true)
	InMemoryRecordStore inMemoryRecordStore() {
		logger.info("Record store: memory (not durable, records are lost when the process stops)");
		return new InMemoryRecordStore();
	}

	@Bean
	@ConditionalOnMissingBean(StorageQueue.class)
	@ConditionalOnProperty(name = ConnectorChoice.QUEUE_TYPE, havingValue = "memory")
	InMemoryStorageQueue inMemoryStorageQueue(MemoryConnectorProperties properties) {
		logger.info("Storage queue: memory, {} partitions (not durable, queued writes are lost when the process stops)",
				properties.queuePartitions());
		return new InMemoryStorageQueue(properties.queuePartitions(), properties.queueMaxBatch());
	}

	@Bean
	@ConditionalOnMissingBean(InMemoryMessageBus.Medium.class)
	@ConditionalOnProperty(name = ConnectorChoice.BUS_TYPE, havingValue = "memory", matchIfMissing = true)
	InMemoryMessageBus.Medium inMemoryMessageBusMedium() {
		return new InMemoryMessageBus.Medium();
	}

	@Bean
	@ConditionalOnMissingBean(MessageBus.class)
	@ConditionalOnProperty(name = ConnectorChoice.BUS_TYPE, havingValue = "memory", matchIfMissing = true)
	InMemoryMessageBus inMemoryMessageBus(InMemoryMessageBus.Medium medium, ConnectorChoice choice) {
		String nodeId = choice.nodeId();
		logger.info("Message bus: memory, node {} (reaches nodes of this process only)", nodeId);
		return new InMemoryMessageBus(nodeId, medium);
	}

	@Bean
	@ConditionalOnMissingBean(StreamHistory.class)
	@ConditionalOnProperty(name = ConnectorChoice.HISTORY_TYPE, havingValue = "memory", matchIfMissing = true)
	InMemoryStreamHistory inMemoryStreamHistory() {
		logger.info("Stream history: memory (offsets start again under a new epoch when the process restarts)");
		return new InMemoryStreamHistory();
	}

}
