package io.sluice.connector.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the Redis client behaves while Redis is away, for every connector that uses it.
 *
 * <p>A command sent while the connection is down fails at once ({@code REJECT_COMMANDS}) instead of waiting in the
 * client's queue for a reconnect: a write then fails with an error naming the cache, the health check says DOWN
 * without waiting for a connect attempt (up to {@code spring.data.redis.connect-timeout}, 10 s by default), and no
 * queue of commands grows while Redis is gone. Reconnect attempts start after 100 ms and back off to
 * {@code sluice.redis.max-reconnect-delay} (1 s) rather than Lettuce's 30 s, so Sluice is available again about a
 * second after Redis is.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "io.lettuce.core.ClientOptions")
class RedisClientBehaviour {

	private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(100);

	@Bean
	LettuceClientOptionsBuilderCustomizer sluiceRedisFailWhileDisconnected() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
	}

	@Bean
	ClientResourcesBuilderCustomizer sluiceRedisReconnectDelay(RedisConnectorProperties properties) {
		return (resources) -> resources.reconnectDelay(
				() -> Delay.exponential(FIRST_RECONNECT_DELAY, properties.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS));
	}

}
