package io.sluice.connector.redis;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

import io.sluice.connector.ConnectionMissingException;
import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.MessageBus;
import io.sluice.connector.RecordCache;
import io.sluice.connector.StreamHistory;

/**
 * The Redis connectors: {@link RedisRecordCache} when {@code sluice.cache.type=redis}, {@link RedisMessageBus}
 * when {@code sluice.bus.type=redis}, {@link RedisStreamHistory} when {@code sluice.history.type=redis}, each
 * unless the application defines its own. They use the {@link ReactiveRedisConnectionFactory} of Spring Boot's
 * Redis auto-configuration ({@code spring.data.redis.*}), and are ordered before the in-memory defaults so
 * those back off. Choosing one without Spring Data Redis or a connection factory fails the start-up, explained.
 */
@AutoConfiguration(
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration" },
		beforeName = "io.sluice.connector.memory.MemoryConnectorAutoConfiguration")
@Conditional(RedisConnectorAutoConfiguration.RedisConnectorChosen.class)
@EnableConfigurationProperties({ ConnectorChoice.class, RedisConnectorProperties.class })
public final class RedisConnectorAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RedisConnectorAutoConfiguration.class);

	static final String CACHE_TYPE = ConnectorChoice.CACHE_TYPE;

	static final String BUS_TYPE = ConnectorChoice.BUS_TYPE;

	static final String HISTORY_TYPE = ConnectorChoice.HISTORY_TYPE;

	private static final String SPRING_DATA_REDIS = "org.springframework.data.redis.core.ReactiveRedisTemplate";

	/**
	 * Why a chosen Redis connector cannot be built: Spring Data Redis is not on the class path
	 * ({@code libraryMissing}), or no {@code ReactiveRedisConnectionFactory} was created (Lettuce missing, or
	 * auto-configuration excluded).
	 */
	static ConnectionMissingException connectionMissing(Environment environment, boolean libraryMissing) {
		return new ConnectionMissingException("Redis", ConnectorChoice.choosingProperties(environment, "redis"),
				libraryMissing ? "Spring Data Redis is not on the class path"
						: "there is no ReactiveRedisConnectionFactory",
				libraryMissing ? "Spring Data Redis (org.springframework.data:spring-data-redis) is not on "
						+ "the class path."
						: "no ReactiveRedisConnectionFactory bean exists: Spring Boot creates one from "
								+ "spring.data.redis.* only when Lettuce (io.lettuce:lettuce-core) is on the class "
								+ "path and its Redis auto-configuration is not excluded.",
				"Add org.springframework.boot:spring-boot-starter-data-redis (it brings Spring Data Redis "
						+ "and Lettuce) and point spring.data.redis.host and spring.data.redis.port (or "
						+ "spring.data.redis.url) at your Redis");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = SPRING_DATA_REDIS)
	@Import(RedisClientBehaviour.class)
	static final class RedisAdapters {

		@Bean
		@Lazy // created only when an adapter below needs it, so that user-defined adapters need no Redis at all
		@ConditionalOnMissingBean
		RedisConnectorTemplate sluiceRedisConnectorTemplate(
				ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory, RedisConnectorProperties properties,
				Environment environment) {
			ReactiveRedisConnectionFactory factory = connectionFactory.getIfAvailable();
			if (factory == null) {
				throw connectionMissing(environment, false);
			}
			return new RedisConnectorTemplate(factory, properties.keyPrefix());
		}

		@Bean
		@ConditionalOnProperty(name = CACHE_TYPE, havingValue = "redis")
		@ConditionalOnMissingBean(RecordCache.class)
		RedisRecordCache redisRecordCache(RedisConnectorTemplate sluiceRedisConnectorTemplate,
				RedisConnectorProperties properties) {
			logger.info("RecordCache: redis (keys {}record:*, tombstones kept {})", properties.keyPrefix(),
					properties.tombstoneTtl().isZero() ? "until evicted" : "for " + properties.tombstoneTtl());
			return new RedisRecordCache(sluiceRedisConnectorTemplate, properties.tombstoneTtl(), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnProperty(name = BUS_TYPE, havingValue = "redis")
		@ConditionalOnMissingBean(MessageBus.class)
		RedisMessageBus redisMessageBus(RedisConnectorTemplate sluiceRedisConnectorTemplate,
				RedisConnectorProperties properties, ConnectorChoice choice) {
			String nodeId = choice.nodeId();
			logger.info("MessageBus: redis pub/sub, node {} (channels {}bus:*)", nodeId, properties.keyPrefix());
			return new RedisMessageBus(nodeId, sluiceRedisConnectorTemplate);
		}

		@Bean
		@ConditionalOnProperty(name = HISTORY_TYPE, havingValue = "redis")
		@ConditionalOnMissingBean(StreamHistory.class)
		RedisStreamHistory redisStreamHistory(RedisConnectorTemplate sluiceRedisConnectorTemplate,
				RedisConnectorProperties properties) {
			logger.info("StreamHistory: redis streams (keys {}history:*)", properties.keyPrefix());
			return new RedisStreamHistory(sluiceRedisConnectorTemplate);
		}

	}

	/**
	 * Stands in for each adapter that was chosen but cannot be built without Spring Data Redis, so that the
	 * start-up fails with an explanation instead of quietly falling back to memory.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass(SPRING_DATA_REDIS)
	static final class RedisLibraryMissing {

		@Bean
		@ConditionalOnProperty(name = CACHE_TYPE, havingValue = "redis")
		@ConditionalOnMissingBean(RecordCache.class)
		RecordCache redisRecordCache(Environment environment) {
			throw connectionMissing(environment, true);
		}

		@Bean
		@ConditionalOnProperty(name = BUS_TYPE, havingValue = "redis")
		@ConditionalOnMissingBean(MessageBus.class)
		MessageBus redisMessageBus(Environment environment) {
			throw connectionMissing(environment, true);
		}

		@Bean
		@ConditionalOnProperty(name = HISTORY_TYPE, havingValue = "redis")
		@ConditionalOnMissingBean(StreamHistory.class)
		StreamHistory redisStreamHistory(Environment environment) {
			throw connectionMissing(environment, true);
		}

	}

	/** Any Redis connector was chosen. */
	static final class RedisConnectorChosen extends AnyNestedCondition {

		RedisConnectorChosen() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = CACHE_TYPE, havingValue = "redis")
		static final class CacheType {

		}

		@ConditionalOnProperty(name = BUS_TYPE, havingValue = "redis")
		static final class BusType {

		}

		@ConditionalOnProperty(name = HISTORY_TYPE, havingValue = "redis")
		static final class HistoryType {

		}

	}

}
