package io.sluice.connector.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.mock.env.MockEnvironment;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.MessageBus;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.choice.ConnectionMissingFailureAnalyzer;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Choosing the Kafka bus by property, the health indicator and the start-up failures, without a broker: the bus
 * connects lazily when it need not create topics at start-up.
 */
class KafkaConnectorAutoConfigurationTests {

	/** Spring Boot's health endpoint with its liveness and readiness groups. */
	static final AutoConfigurations HEALTH = AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class,
			HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
			HealthEndpointAutoConfiguration.class, AvailabilityHealthContributorAutoConfiguration.class,
			AvailabilityProbesAutoConfiguration.class);

	static final String[] READINESS_WITH_KAFKA = { "management.endpoint.health.probes.enabled=true",
			"management.endpoint.health.group.readiness.include=readinessState,kafka" };

	// Listed memory first: the ordering, not the listing, must put the Kafka adapters ahead.
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemoryConnectorAutoConfiguration.class,
				KafkaConnectorAutoConfiguration.class, KafkaHealthAutoConfiguration.class,
				KafkaAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:" + closedPort(),
				"sluice.kafka.bus.create-topics=false");

	@Test
	void defaultStaysMemoryWithoutAKafkaHealthIndicator() {
		this.runner.run((context) -> {
			assertThat(context).getBean(MessageBus.class).isInstanceOf(InMemoryMessageBus.class);
			assertThat(context).doesNotHaveBean(StorageQueue.class);
			assertThat(context).doesNotHaveBean(KafkaHealthIndicator.class);
		});
	}

	@Test
	void busTypeKafkaPicksTheKafkaBusAloneWithItsHealthIndicator() {
		this.runner.withPropertyValues("sluice.bus.type=kafka", "sluice.node-id=node-7").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(MessageBus.class).isInstanceOf(KafkaMessageBus.class);
			assertThat(context.getBean(MessageBus.class).nodeId()).isEqualTo("node-7");
			assertThat(context).doesNotHaveBean(StorageQueue.class);
			assertThat(context).doesNotHaveBean(InMemoryMessageBus.class);
			assertThat(context).hasSingleBean(KafkaHealthIndicator.class);
			assertThat(context).hasBean("kafkaHealthIndicator");
		});
	}

	@Test
	void busNodeIdIsRandomWhenNotSet() {
		this.runner.withPropertyValues("sluice.bus.type=kafka")
			.run((first) -> this.runner.withPropertyValues("sluice.bus.type=kafka").run((second) -> {
				String one = first.getBean(MessageBus.class).nodeId();
				assertThat(one).isNotBlank();
				assertThat(second.getBean(MessageBus.class).nodeId()).isNotEqualTo(one);
			}));
	}

	@Test
	void anApplicationsOwnBusWinsAndBringsNoKafkaHealthIndicator() {
		MessageBus own = mock(MessageBus.class);
		this.runner.withPropertyValues("sluice.bus.type=kafka")
			.withBean(MessageBus.class, () -> own)
			.run((context) -> {
				assertThat(context).getBean(MessageBus.class).isSameAs(own);
				assertThat(context).doesNotHaveBean(KafkaHealthIndicator.class);
			});
	}

	@Test
	void anApplicationsOwnBusNeedsNoKafkaEvenWithoutTheLibrary() {
		MessageBus own = mock(MessageBus.class);
		this.runner.withPropertyValues("sluice.bus.type=kafka")
			.withClassLoader(new FilteredClassLoader("org.apache.kafka"))
			.withBean(MessageBus.class, () -> own)
			.run((context) -> assertThat(context).getBean(MessageBus.class).isSameAs(own));
	}

	@Test
	void healthIndicatorCanBeSwitchedOff() {
		this.runner.withPropertyValues("sluice.bus.type=kafka", "management.health.kafka.enabled=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(KafkaMessageBus.class);
				assertThat(context).doesNotHaveBean(KafkaHealthIndicator.class);
			});
	}

	@Test
	void badBusSettingsStopStartUpNamingTheProperty() {
		this.runner.withPropertyValues("sluice.bus.type=kafka", "sluice.kafka.bus.topics=records,no/slash")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sluice.kafka.bus.topics")
				.hasMessageContaining("'sluice.bus.no/slash'"));
		this.runner.withPropertyValues("sluice.bus.type=kafka", "sluice.kafka.bus.partitions=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sluice.kafka.bus.partitions must be at least 1"));
	}

	@Test
	void missingKafkaClientFailsStartUpNamingThePropertyAndTheFix() {
		this.runner.withPropertyValues("sluice.bus.type=kafka", "sluice.queue.type=kafka")
			.withClassLoader(new FilteredClassLoader("org.apache.kafka"))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyzeMissing(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("sluice.queue.type=kafka and sluice.bus.type=kafka chose the Kafka connector")
					.contains("org.apache.kafka:kafka-clients")
					.doesNotContain("spring-kafka");
				assertThat(analysis.getAction()).contains("org.springframework.kafka:spring-kafka")
					.contains("spring.kafka.bootstrap-servers")
					.contains("sluice.queue.type=memory and sluice.bus.type=memory");
			});
	}

	@Test
	void missingSpringKafkaFailsStartUpNamingIt() {
		this.runner.withPropertyValues("sluice.bus.type=kafka")
			.withClassLoader(new FilteredClassLoader("org.springframework.kafka"))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyzeMissing(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("sluice.bus.type=kafka")
					.contains("Spring for Apache Kafka (org.springframework.kafka:spring-kafka)")
					.doesNotContain("kafka-clients");
				assertThat(analysis.getAction()).contains("sluice.bus.type=memory");
			});
	}

	@Test
	void unreachableBrokerAtStartUpIsExplainedNamingTheBootstrapServersAndTheChoosingProperty() {
		// Creating the start-up topics needs the broker: with none listening, start-up times out.
		this.runner
			.withPropertyValues("sluice.bus.type=kafka", "sluice.kafka.bus.create-topics=true",
					"sluice.kafka.bus.startup-timeout=500ms")
			.run((context) -> {
				assertThat(context).hasFailed();
				MockEnvironment environment = new MockEnvironment().withProperty("sluice.bus.type", "kafka")
					.withProperty("spring.kafka.bootstrap-servers", "127.0.0.1:1");
				FailureAnalysis analysis = new KafkaUnreachableFailureAnalyzer(environment)
					.analyze(context.getStartupFailure());
				assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
				assertThat(analysis.getDescription()).contains("sluice.bus.type=kafka chose the Kafka connector")
					.contains("no Kafka broker answered at 127.0.0.1:1 (spring.kafka.bootstrap-servers)")
					.contains("Timed out after PT0.5S creating topic 'sluice.bus.records'");
				assertThat(analysis.getAction()).contains("point spring.kafka.bootstrap-servers at running brokers")
					.contains("sluice.bus.type=memory");
			});
	}

	@Test
	void unreachableAnalyzerSaysWhenTheDefaultAddressWasUsedAndLeavesOtherFailuresAlone() {
		MockEnvironment environment = new MockEnvironment().withProperty("sluice.queue.type", "kafka");
		KafkaUnreachableFailureAnalyzer analyzer = new KafkaUnreachableFailureAnalyzer(environment);
		FailureAnalysis analysis = analyzer.analyze(new IllegalStateException("wrapped",
				new ConnectorException("kafka", "Timed out creating topic 'sluice.records'", new TimeoutException())));
		assertThat(analysis.getDescription()).startsWith("sluice.queue.type=kafka chose the Kafka connector")
			.contains("localhost:9092 (Spring Boot's default, as spring.kafka.bootstrap-servers is not set)");
		assertThat(analysis.getAction()).contains("sluice.queue.type=memory");
		assertThat(analyzer.analyze(new ConnectorException("kafka", "refused: not authorized"))).isNull();
		assertThat(analyzer.analyze(new ConnectorException("redis", "timed out", new TimeoutException()))).isNull();
	}

	@Test
	void readinessFollowsTheKafkaHealthIndicatorWhenTheGroupIncludesIt() {
		this.runner.withConfiguration(HEALTH)
			.withPropertyValues("sluice.bus.type=kafka", "sluice.kafka.health.timeout=300ms")
			.withPropertyValues(READINESS_WITH_KAFKA)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
				assertThat(groups.get("readiness").isMember("kafka")).isTrue();
				assertThat(groups.get("liveness").isMember("kafka")).isFalse();
				startedAndTakingTraffic(context);
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				assertThat(health.healthForPath("readiness", "readinessState").getStatus()).isEqualTo(Status.UP);
				assertThat(health.healthForPath("readiness", "kafka").getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.healthForPath("liveness").getStatus()).isEqualTo(Status.UP);
			});
	}

	/**
	 * Publishes what a started application would: alive and taking traffic, so that only a health indicator can
	 * make readiness DOWN.
	 */
	static void startedAndTakingTraffic(ApplicationContext context) {
		AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
		AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
	}

	/** A port nothing listens on: taken, then freed. */
	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static FailureAnalysis analyzeMissing(Throwable failure) {
		FailureAnalysis analysis = new ConnectionMissingFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		return analysis;
	}

}
