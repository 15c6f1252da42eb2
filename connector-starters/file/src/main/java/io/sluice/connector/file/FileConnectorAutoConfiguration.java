package io.sluice.connector.file;

import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;

/**
 * The storage queue journaled to files, with {@code sluice.queue.type=file}: the embedded default of sluice-server.
 * Before the memory connectors, so that what is ordered after those to look for a storage queue (the storage
 * worker, the record service) finds this one.
 */
@AutoConfiguration(before = MemoryConnectorAutoConfiguration.class)
@ConditionalOnProperty(name = ConnectorChoice.QUEUE_TYPE, havingValue = "file")
@EnableConfigurationProperties(FileQueueProperties.class)
public final class FileConnectorAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(FileConnectorAutoConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(StorageQueue.class)
	FileStorageQueue fileStorageQueue(FileQueueProperties properties) {
		if (properties.directory() == null) {
			throw new IllegalStateException("sluice.queue.file.directory must be set with sluice.queue.type=file");
		}
		FileStorageQueue queue = new FileStorageQueue(properties.directory(), properties.partitions(),
				properties.maxBatch(), properties.linger(), properties.segmentSize().toBytes(),
				properties.maxBacklog().toBytes(), properties.fsync(), properties.fsyncInterval());
		logger.info("Storage queue: file journal in {}, {} partitions, batches linger up to {} ms, {}",
				properties.directory().toAbsolutePath().normalize(), properties.partitions(),
				properties.linger().toMillis(), survives(properties));
		return queue;
	}

	private static String survives(FileQueueProperties properties) {
		return switch (properties.fsync()) {
			case ALWAYS -> "fsync always (acknowledged writes survive a crash of the process or of the machine)";
			case INTERVAL -> "fsync every " + properties.fsyncInterval().toMillis() + " ms (acknowledged writes survive "
					+ "a crash of the process; a power cut loses up to the last interval's)";
			case NEVER -> "fsync never (acknowledged writes survive a crash of the process, not a power cut)";
		};
	}

	/** The journal's gauges, where the application has Micrometer. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static final class Metrics {

		@Bean
		FileQueueMetrics fileQueueMetrics(ObjectProvider<FileStorageQueue> queue) {
			// An application's own storage queue leaves none to measure.
			return new FileQueueMetrics(queue::getIfAvailable);
		}

	}

}
