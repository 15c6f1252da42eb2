package io.sluice.connector.redis;

import java.io.IOException;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.ReactiveRedisTemplate;

import io.sluice.connector.MessageBus;
import io.sluice.connector.RecordCache;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.choice.ConnectionMissingFailureAnalyzer;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.InMemoryRecordCache;
import io.sluice.connector.memory.InMemoryStreamHistory;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class RedisConnectorAutoConfigurationTests {

	private static final String[] ALL_REDIS = { "sluice.cache.type=redis", "sluice.bus.type=redis",
			"sluice.history.type=redis" };

	private static EmbeddedRedisServer redis;

	// Listed memory first: the ordering, not the listing, must put the Redis adapters ahead.
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemoryConnectorAutoConfiguration.class,
				RedisConnectorAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class,
				DataRedisAutoConfiguration.class));

	@BeforeAll
	static void startRedis() throws IOException {
		redis = EmbeddedRedisServer.start();
	}

	@AfterAll
	static void stopRedis() throws IOException {
		redis.close();
	}

	@Test
	void defaultStaysMemory() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryRecordCache.class);
			assertThat(context).hasSingleBean(InMemoryMessageBus.class);
			assertThat(context).hasSingleBean(InMemoryStreamHistory.class);
			assertThat(context).doesNotHaveBean(RedisConnectorTemplate.class);
		});
	}

	@Test
	void cacheTypeRedisPicksTheRedisCacheAlone() {
		this.runner.withPropertyValues("sluice.cache.type=redis").run((context) -> {
			assertThat(context).getBean(RecordCache.class).isInstanceOf(RedisRecordCache.class);
			assertThat(context).hasSingleBean(InMemoryMessageBus.class);
			assertThat(context).hasSingleBean(InMemoryStreamHistory.class);
		});
	}

	@Test
	void busTypeRedisPicksTheRedisBusAlone() {
		this.runner.withPropertyValues("sluice.bus.type=redis").run((context) -> {
			assertThat(context).getBean(MessageBus.class).isInstanceOf(RedisMessageBus.class);
			assertThat(context).hasSingleBean(InMemoryRecordCache.class);
			assertThat(context).hasSingleBean(InMemoryStreamHistory.class);
		});
	}

	@Test
	void historyTypeRedisPicksTheRedisHistoryAlone() {
		this.runner.withPropertyValues("sluice.history.type=redis").run((context) -> {
			assertThat(context).getBean(StreamHistory.class).isInstanceOf(RedisStreamHistory.class);
			assertThat(context).hasSingleBean(InMemoryRecordCache.class);
			assertThat(context).hasSingleBean(InMemoryMessageBus.class);
		});
	}

	@Test
	void adaptersUseSpringBootsRedisConnectionAndTheKeyPrefix() {
		this.runner.withPropertyValues(ALL_REDIS)
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
					"sluice.redis.key-prefix=autoconfig:")
			.run((context) -> {
				RecordCache cache = context.getBean(RecordCache.class);
				VersionedRecord record = VersionedRecord.of("wired", 1, "{\"a\":1}");
				StepVerifier.create(cache.compareAndSet(0, record).then(cache.get("wired")))
					.expectNext(record)
					.expectComplete()
					.verify(Duration.ofSeconds(10));
				ReactiveRedisTemplate<String, byte[]> template = redis.template("").template();
				StepVerifier.create(template.hasKey("autoconfig:record:wired"))
					.expectNext(true)
					.expectComplete()
					.verify(Duration.ofSeconds(10));
			});
	}

	@Test
	void busNodeIdComesFromTheNodeIdProperty() {
		this.runner.withPropertyValues("sluice.bus.type=redis", "sluice.node-id=node-7")
			.run((context) -> assertThat(context.getBean(MessageBus.class).nodeId()).isEqualTo("node-7"));
	}

	@Test
	void busNodeIdIsRandomWhenNotSet() {
		this.runner.withPropertyValues("sluice.bus.type=redis")
			.run((first) -> this.runner.withPropertyValues("sluice.bus.type=redis").run((second) -> {
				String one = first.getBean(MessageBus.class).nodeId();
				assertThat(one).isNotBlank();
				assertThat(second.getBean(MessageBus.class).nodeId()).isNotEqualTo(one);
			}));
	}

	@Test
	void userBeansWin() {
		RecordCache cache = mock(RecordCache.class);
		MessageBus bus = mock(MessageBus.class);
		StreamHistory history = mock(StreamHistory.class);
		this.runner.withPropertyValues(ALL_REDIS)
			.withBean(RecordCache.class, () -> cache)
			.withBean(MessageBus.class, () -> bus)
			.withBean(StreamHistory.class, () -> history)
			.run((context) -> {
				assertThat(context).getBean(RecordCache.class).isSameAs(cache);
				assertThat(context).getBean(MessageBus.class).isSameAs(bus);
				assertThat(context).getBean(StreamHistory.class).isSameAs(history);
			});
	}

	@Test
	void userBeansNeedNoRedisEvenWithoutTheLibrary() {
		RecordCache cache = mock(RecordCache.class);
		this.runner.withPropertyValues("sluice.cache.type=redis")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.withBean(RecordCache.class, () -> cache)
			.run((context) -> assertThat(context).getBean(RecordCache.class).isSameAs(cache));
	}

	@Test
	void missingLibraryFailsStartUpNamingThePropertyAndTheFix() {
		this.runner.withPropertyValues("sluice.cache.type=redis", "sluice.history.type=redis")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("sluice.cache.type=redis and sluice.history.type=redis")
					.contains("Spring Data Redis");
				assertThat(analysis.getAction()).contains("spring-boot-starter-data-redis")
					.contains("spring.data.redis.host")
					.contains("sluice.cache.type=memory and sluice.history.type=memory");
			});
	}

	@Test
	void missingConnectionFactoryFailsStartUpNamingThePropertyAndTheFix() {
		// Without Lettuce, Spring Boot creates no reactive connection factory.
		this.runner.withPropertyValues("sluice.bus.type=redis")
			.withClassLoader(new FilteredClassLoader(RedisClient.class))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("sluice.bus.type=redis")
					.contains("no ReactiveRedisConnectionFactory");
				assertThat(analysis.getAction()).contains("sluice.bus.type=memory");
			});
	}

	@Test
	void negativeTombstoneTtlFailsToStart() {
		this.runner.withPropertyValues("sluice.cache.type=redis", "sluice.redis.tombstone-ttl=-1s")
			.run((context) -> assertThat(context).hasFailed());
	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new ConnectionMissingFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		return analysis;
	}

}
