package io.sluice.record.write;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.MessageBus;
import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.record.RecordService;
import io.sluice.record.feed.RecordChangeFeed;

/**
 * The record service, over whichever connectors the starters on the class path chose. With
 * {@code sluice.queue.type=none} it writes straight to the store (group commit), so every acknowledged write is in
 * the store. A port it needs that no connector serves (a chosen queue whose starter is missing, say) stops start-up,
 * explained, rather than leave the records without a service or the writes without their queue. With
 * {@code sluice.records.mode=remote} it stands back for {@code io.sluice.record.remote}'s client of record-service
 * instances elsewhere.
 */
@AutoConfiguration(afterName = { "io.sluice.connector.memory.MemoryConnectorAutoConfiguration",
		"io.sluice.connector.sql.SqlConnectorAutoConfiguration",
		"io.sluice.connector.kafka.KafkaConnectorAutoConfiguration", "io.sluice.connector.redis.RedisConnectorAutoConfiguration",
		// Registries are defined there; the metrics below look for one.
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@EnableConfigurationProperties({ ConnectorChoice.class, RecordServiceProperties.class })
public final class RecordServiceAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RecordServiceAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(RecordService.class)
	@ConditionalOnProperty(name = "sluice.records.mode", havingValue = "local", matchIfMissing = true)
	WriteThroughRecordService recordService(RecordCache cache, RecordStore store, MessageBus bus,
			ObjectProvider<StorageQueue> queue, ConnectorChoice choice, RecordServiceProperties properties,
			ObjectProvider<RecordServiceListener> listener) {
		StorageQueue storageQueue = queue.getIfAvailable();
		if (storageQueue == null && choice.queue().type() != ConnectorChoice.QueueType.NONE) {
			throw new NoSuchBeanDefinitionException(StorageQueue.class, ConnectorChoice.QUEUE_TYPE + "="
					+ choice.queue().type().value() + " chose a storage queue, but none was defined");
		}
		DurableWrites durable = (storageQueue != null) ? DurableWrites.through(storageQueue)
				: new StoreGroupCommit(store, properties.storeBatchSize());
		logger.info("Records: cache {}, store {}, durable through {}", cache.getClass().getSimpleName(),
				store.getClass().getSimpleName(), (storageQueue != null) ? storageQueue.getClass().getSimpleName()
						: "the store itself (group commit, no storage queue)");
		RecordExpiry expiry = new RecordExpiry(Clock.systemUTC(), properties.ttl());
		if (!properties.ttl().isEmpty()) {
			logger.info("Records: time to live by name {}", properties.ttl());
		}
		return new WriteThroughRecordService(cache, store, durable, new RecordChangeFeed(bus),
				new RecordJson(properties.maxNestingDepth()), properties.casAttempts(), properties.drainTimeout(),
				expiry, listener.getIfUnique(() -> RecordServiceListener.NONE));
	}

	/** Deletes the records past their deadline that no one reads; only with this module's record service. */
	@Bean
	@ConditionalOnBean(WriteThroughRecordService.class)
	ExpirySweep recordExpirySweep(WriteThroughRecordService recordService, RecordStore store,
			RecordServiceProperties properties) {
		return new ExpirySweep(recordService, recordService.expiry(), store, properties.expiryInterval(),
				properties.expiryBatchSize(), Schedulers.parallel());
	}

	/** The record service's meters, where the application has Micrometer and a registry. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static final class Metrics {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(MeterRegistry.class)
		@ConditionalOnProperty(name = "sluice.records.mode", havingValue = "local", matchIfMissing = true)
		RecordServiceMetrics recordServiceMetrics(MeterRegistry registry) {
			return new RecordServiceMetrics(registry);
		}

	}

}
