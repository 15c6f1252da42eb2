package io.sluice.storage;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;

/** Starts a storage worker wherever there is a storage queue and a store to drain it into. */
@AutoConfiguration(afterName = { "io.sluice.connector.memory.MemoryConnectorAutoConfiguration",
		"io.sluice.connector.sql.SqlConnectorAutoConfiguration",
		"io.sluice.connector.kafka.KafkaConnectorAutoConfiguration", "io.sluice.connector.redis.RedisConnectorAutoConfiguration" })
@EnableConfigurationProperties(StorageWorkerProperties.class)
@ConditionalOnBooleanProperty(name = "sluice.worker.enabled", matchIfMissing = true)
public final class StorageWorkerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ StorageQueue.class, RecordStore.class })
	StorageWorker storageWorker(StorageQueue queue, RecordStore store, StorageWorkerProperties properties) {
		return new StorageWorker(queue, store, properties);
	}

}
