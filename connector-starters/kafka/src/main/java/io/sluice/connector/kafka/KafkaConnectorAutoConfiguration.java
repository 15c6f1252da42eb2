package io.sluice.connector.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;

import io.sluice.connector.StorageQueue;

/**
 * The Kafka storage queue, for {@code sluice.queue.type=kafka}. It connects with Spring Boot's own Kafka settings
 * ({@code spring.kafka.*}, or a {@code KafkaConnectionDetails} bean), taken from the producer, consumer and admin
 * configurations Boot builds.
 */
@AutoConfiguration(afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
		beforeName = "io.sluice.connector.memory.MemoryConnectorAutoConfiguration")
@ConditionalOnClass(KafkaProducer.class)
@EnableConfigurationProperties(KafkaQueueProperties.class)
public final class KafkaConnectorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(StorageQueue.class)
	@ConditionalOnProperty(name = "sluice.queue.type", havingValue = "kafka")
	KafkaStorageQueue kafkaStorageQueue(DefaultKafkaProducerFactory<?, ?> producers,
			DefaultKafkaConsumerFactory<?, ?> consumers, KafkaAdmin admin, KafkaQueueProperties properties) {
		return new KafkaStorageQueue(producers.getConfigurationProperties(), consumers.getConfigurationProperties(),
				admin.getConfigurationProperties(), properties);
	}

}
