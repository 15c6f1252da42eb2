package io.sluice.record;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.sluice.connector.MessageBus;
import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;

/**
 * The record service, over whichever connectors the starters on the class path chose. Without a storage queue
 * it writes straight to the store (group commit), so every acknowledged write is in the store. With
 * {@code sluice.records.mode=remote} it stands back for {@code io.sluice.record.remote}'s client of record-service
 * instances elsewhere.
 */
@AutoConfiguration(afterName = { "io.sluice.connector.memory.MemoryConnectorAutoConfiguration",
		"io.sluice.connector.sql.SqlConnectorAutoConfiguration",
		"io.sluice.connector.kafka.KafkaConnectorAutoConfiguration", "io.sluice.connector.redis.RedisConnectorAutoConfiguration" })
@EnableConfigurationProperties(RecordServiceProperties.class)
public final class RecordServiceAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RecordServiceAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(RecordService.class)
	@ConditionalOnProperty(name = "sluice.records.mode", havingValue = "local", matchIfMissing = true)
	@ConditionalOnBean({ RecordCache.class, RecordStore.class, MessageBus.class })
	RecordService recordService(RecordCache cache, RecordStore store, MessageBus bus,
			ObjectProvider<StorageQueue> queue, RecordServiceProperties properties) {
		StorageQueue storageQueue = queue.getIfAvailable();
		DurableWrites durable = (storageQueue != null) ? DurableWrites.through(storageQueue)
				: new StoreGroupCommit(store, properties.storeBatchSize());
		logger.info("Records: cache {}, store {}, durable through {}", cache.getClass().getSimpleName(),
				store.getClass().getSimpleName(), (storageQueue != null) ? storageQueue.getClass().getSimpleName()
						: "the store itself (group commit, no storage queue)");
		return new WriteThroughRecordService(cache, store, durable, new RecordChangeFeed(bus),
				new RecordJson(properties.maxNestingDepth()), properties.casAttempts(), properties.drainTimeout());
	}

}
