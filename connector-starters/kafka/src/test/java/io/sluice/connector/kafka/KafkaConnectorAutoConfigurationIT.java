package io.sluice.connector.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.sluice.connector.ConnectionMissingException;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** Choosing the Kafka storage queue by property, against a real broker (KRaft, in this JVM). */
class KafkaConnectorAutoConfigurationIT {

	private static EmbeddedKafkaKraftBroker broker;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaConnectorAutoConfiguration.class));

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		broker.destroy();
	}

	@Test
	void noQueueUnlessKafkaIsChosen() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(StorageQueue.class));
		this.runner.withPropertyValues("sluice.queue.type=memory")
			.run((context) -> assertThat(context).doesNotHaveBean(KafkaStorageQueue.class));
	}

	@Test
	void typeKafkaConnectsWithSpringBootsKafkaSettingsAndCreatesTheTopics() {
		this.runner
			.withPropertyValues("sluice.queue.type=kafka", "spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
					"sluice.kafka.queue.topic=autoconfigured.records", "sluice.kafka.queue.partitions=3")
			.run((context) -> {
				assertThat(context).hasSingleBean(KafkaStorageQueue.class);
				KafkaStorageQueue queue = context.getBean(KafkaStorageQueue.class);
				assertThat(queue.partitionOf("any")).isBetween(0, 2);
				assertThat(queue.offer(VersionedRecord.of("autoconfigured/r", 1, "{}")).then(Mono.just(true))
					.block(java.time.Duration.ofSeconds(30))).isTrue();
			});
	}

	@Test
	void anApplicationsOwnQueueWins() {
		StorageQueue own = new StorageQueue() {

			@Override
			public Mono<Void> offer(VersionedRecord write) {
				return Mono.empty();
			}

			@Override
			public Flux<Batch> consume() {
				return Flux.empty();
			}

			@Override
			public Mono<Void> drained(String name) {
				return Mono.empty();
			}

		};
		this.runner.withPropertyValues("sluice.queue.type=kafka")
			.withBean(StorageQueue.class, () -> own)
			.run((context) -> assertThat(context.getBean(StorageQueue.class)).isSameAs(own));
	}

	@Test
	void withoutTheKafkaClientLibraryStartUpFailsRatherThanRunningWithoutAQueue() {
		this.runner.withPropertyValues("sluice.queue.type=kafka")
			.withClassLoader(new FilteredClassLoader(KafkaProducer.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ConnectionMissingException.class)
				.hasMessageContaining("sluice.queue.type=kafka"));
	}

	@Test
	void theQueueAndTheBusBringAHealthIndicatorThatIsUpAgainstTheBroker() {
		this.runner.withConfiguration(AutoConfigurations.of(KafkaHealthAutoConfiguration.class))
			.withPropertyValues("sluice.queue.type=kafka", "sluice.bus.type=kafka",
					"spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
					"sluice.kafka.queue.topic=health.records", "sluice.kafka.bus.topic-prefix=health.bus.")
			.run((context) -> {
				assertThat(context).hasSingleBean(KafkaStorageQueue.class).hasSingleBean(KafkaMessageBus.class);
				StepVerifier.create(context.getBean(KafkaHealthIndicator.class).health())
					.assertNext((health) -> {
						assertThat(health.getStatus()).isEqualTo(Status.UP);
						assertThat(health.getDetails()).containsEntry("brokers", 1).containsKey("clusterId");
					})
					.expectComplete()
					.verify(java.time.Duration.ofSeconds(30));
			});
	}

	@Test
	void badSettingsStopStartUpNamingTheProperty() {
		this.runner.withPropertyValues("sluice.queue.type=kafka", "sluice.kafka.queue.partitions=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sluice.kafka.queue.partitions"));
	}

}
