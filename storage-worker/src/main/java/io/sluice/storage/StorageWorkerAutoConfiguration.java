package io.sluice.storage;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.StreamArchive;

/**
 * Starts a storage worker wherever there is a storage queue and a store to drain it into (and the event history's
 * archive, when the store's connector provides one), with its metrics when
 * the application has a Micrometer {@link MeterRegistry}.
 */
@AutoConfiguration(afterName = { "io.sluice.connector.memory.MemoryConnectorAutoConfiguration",
		"io.sluice.connector.sql.SqlConnectorAutoConfiguration",
		"io.sluice.connector.mongodb.MongoConnectorAutoConfiguration",
		"io.sluice.connector.kafka.KafkaConnectorAutoConfiguration",
		"io.sluice.connector.redis.RedisConnectorAutoConfiguration",
		// Registries are defined there; the metrics below look for one.
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@EnableConfigurationProperties(StorageWorkerProperties.class)
@ConditionalOnBooleanProperty(name = "sluice.worker.enabled", matchIfMissing = true)
public final class StorageWorkerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ StorageQueue.class, RecordStore.class })
	StorageWorker storageWorker(StorageQueue queue, RecordStore store, ObjectProvider<StreamArchive> archive,
			StorageWorkerProperties properties, ObjectProvider<StorageWorkerListener> listener) {
		return new StorageWorker(queue, store, archive.getIfAvailable(), properties,
				listener.getIfUnique(() -> StorageWorkerListener.NONE));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static final class Metrics {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean({ MeterRegistry.class, StorageQueue.class, RecordStore.class })
		StorageWorkerMetrics storageWorkerMetrics(MeterRegistry registry) {
			return new StorageWorkerMetrics(registry);
		}

	}

}
