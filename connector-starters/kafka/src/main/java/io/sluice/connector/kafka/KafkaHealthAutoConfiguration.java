package io.sluice.connector.kafka;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The {@code kafka} health indicator, when a Kafka connector of this starter is in use (and Spring Boot's health
 * support is on the class path). Off with {@code management.health.kafka.enabled=false}. Add {@code kafka} to
 * {@code management.endpoint.health.group.readiness.include} for readiness to follow it.
 */
@AutoConfiguration(after = KafkaConnectorAutoConfiguration.class)
@ConditionalOnClass(name = { "org.springframework.boot.health.contributor.ReactiveHealthIndicator",
		KafkaConnectors.KAFKA_CLIENTS, KafkaConnectors.SPRING_KAFKA })
@ConditionalOnEnabledHealthIndicator("kafka")
@Conditional(KafkaHealthAutoConfiguration.KafkaConnectorInUse.class)
@EnableConfigurationProperties(KafkaHealthProperties.class)
public final class KafkaHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "kafkaHealthIndicator")
	KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin admin, KafkaHealthProperties properties) {
		return new KafkaHealthIndicator(admin.getConfigurationProperties(), properties.timeout(),
				properties.answerWithin());
	}

	/** This starter provides the storage queue or the message bus. */
	static final class KafkaConnectorInUse extends AnyNestedCondition {

		KafkaConnectorInUse() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(KafkaStorageQueue.class)
		static final class Queue {

		}

		@ConditionalOnBean(KafkaMessageBus.class)
		static final class Bus {

		}

	}

}
