package io.sluice.connector.kafka;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;

import io.sluice.connector.ConnectionMissingException;
import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.MessageBus;
import io.sluice.connector.StorageQueue;

/**
 * The Kafka connectors: {@link KafkaStorageQueue} for {@code sluice.queue.type=kafka} and {@link KafkaMessageBus}
 * for {@code sluice.bus.type=kafka}, each unless the application defines its own. They connect with Spring Boot's
 * own Kafka settings ({@code spring.kafka.*}, or a {@code KafkaConnectionDetails} bean), taken from the producer,
 * consumer and admin configurations Boot builds, and are ordered before the in-memory defaults so those back off.
 * Choosing one without the Kafka libraries fails the start-up, explained.
 */
@AutoConfiguration(afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
		beforeName = "io.sluice.connector.memory.MemoryConnectorAutoConfiguration")
@Conditional(KafkaConnectorAutoConfiguration.KafkaConnectorChosen.class)
@EnableConfigurationProperties({ ConnectorChoice.class, KafkaQueueProperties.class, KafkaBusProperties.class })
public final class KafkaConnectorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { KafkaConnectors.KAFKA_CLIENTS, KafkaConnectors.SPRING_KAFKA })
	static final class KafkaAdapters {

		@Bean
		@ConditionalOnMissingBean(StorageQueue.class)
		@ConditionalOnProperty(name = KafkaConnectors.QUEUE_TYPE, havingValue = "kafka")
		KafkaStorageQueue kafkaStorageQueue(DefaultKafkaProducerFactory<?, ?> producers,
				DefaultKafkaConsumerFactory<?, ?> consumers, KafkaAdmin admin, KafkaQueueProperties properties) {
			return new KafkaStorageQueue(producers.getConfigurationProperties(),
					consumers.getConfigurationProperties(), admin.getConfigurationProperties(), properties);
		}

		@Bean
		@ConditionalOnMissingBean(MessageBus.class)
		@ConditionalOnProperty(name = KafkaConnectors.BUS_TYPE, havingValue = "kafka")
		KafkaMessageBus kafkaMessageBus(DefaultKafkaProducerFactory<?, ?> producers,
				DefaultKafkaConsumerFactory<?, ?> consumers, KafkaAdmin admin, KafkaBusProperties properties,
				ConnectorChoice choice) {
			return new KafkaMessageBus(choice.nodeId(), producers.getConfigurationProperties(),
					consumers.getConfigurationProperties(), admin.getConfigurationProperties(), properties);
		}

	}

	/**
	 * Stands in for each adapter that was chosen but cannot be built without the Kafka libraries, so that the
	 * start-up fails with an explanation instead of quietly falling back to memory (or to no queue at all).
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(KafkaLibraryMissing.class)
	static final class KafkaLibraryMissingStandIns {

		@Bean
		@ConditionalOnMissingBean(StorageQueue.class)
		@ConditionalOnProperty(name = KafkaConnectors.QUEUE_TYPE, havingValue = "kafka")
		StorageQueue kafkaStorageQueue(Environment environment, ConfigurableListableBeanFactory beanFactory) {
			throw missing(environment, beanFactory);
		}

		@Bean
		@ConditionalOnMissingBean(MessageBus.class)
		@ConditionalOnProperty(name = KafkaConnectors.BUS_TYPE, havingValue = "kafka")
		MessageBus kafkaMessageBus(Environment environment, ConfigurableListableBeanFactory beanFactory) {
			throw missing(environment, beanFactory);
		}

		/**
		 * Why a chosen Kafka connector cannot be built: the Kafka client ({@code org.apache.kafka:kafka-clients}) or
		 * Spring for Apache Kafka, whose auto-configuration turns {@code spring.kafka.*} into client settings, is not
		 * on the class path.
		 */
		private static ConnectionMissingException missing(Environment environment,
				ConfigurableListableBeanFactory beanFactory) {
			String missing = String.join(" and ", KafkaConnectors.missingLibraries(beanFactory.getBeanClassLoader()))
					+ " not on the class path";
			return new ConnectionMissingException("Kafka", KafkaConnectors.choosingProperties(environment), missing,
					missing + ".",
					"Add org.springframework.kafka:spring-kafka (it brings org.apache.kafka:kafka-clients) and "
							+ "org.springframework.boot:spring-boot-kafka, and point "
							+ KafkaConnectors.BOOTSTRAP_SERVERS + " at your brokers");
		}

	}

	/** Any Kafka connector was chosen. */
	static final class KafkaConnectorChosen extends AnyNestedCondition {

		KafkaConnectorChosen() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = KafkaConnectors.QUEUE_TYPE, havingValue = "kafka")
		static final class QueueType {

		}

		@ConditionalOnProperty(name = KafkaConnectors.BUS_TYPE, havingValue = "kafka")
		static final class BusType {

		}

	}

	/** The Kafka client or Spring for Apache Kafka is missing. */
	static final class KafkaLibraryMissing extends AnyNestedCondition {

		KafkaLibraryMissing() {
			super(ConfigurationPhase.PARSE_CONFIGURATION);
		}

		@ConditionalOnMissingClass(KafkaConnectors.KAFKA_CLIENTS)
		static final class KafkaClients {

		}

		@ConditionalOnMissingClass(KafkaConnectors.SPRING_KAFKA)
		static final class SpringKafka {

		}

	}

}
