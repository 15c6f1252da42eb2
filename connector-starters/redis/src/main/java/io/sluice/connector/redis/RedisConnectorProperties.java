package io.sluice.connector.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the Redis connectors, under {@code sluice.redis}. The connection itself is Spring Boot's
 * ({@code spring.data.redis.host}, {@code spring.data.redis.port}, {@code spring.data.redis.url}, ...).
 *
 * @param keyPrefix what every key and channel name the connectors use starts with, so that several
 *     deployments (or tests) can share one Redis
 * @param tombstoneTtl how long the cache keeps the tombstone of a deleted record, or zero for as long as Redis
 *     keeps it. Longer saves a store read when a deleted record is read again; shorter frees the memory of
 *     deleted records sooner. Either is safe: a tombstone that is gone reads as a miss, which the record
 *     service refills from the store, where the tombstone's version is kept
 * @param maxReconnectDelay the longest wait between two attempts to reconnect to Redis once it went away (the
 *     waits start at 100 ms and double up to this), which bounds how long Sluice stays unavailable after Redis is
 *     back. Longer spares a Redis that is struggling to come back from many clients; Lettuce's own default is 30 s
 */
@ConfigurationProperties("sluice.redis")
public record RedisConnectorProperties(@DefaultValue("sluice:") String keyPrefix,
		@DefaultValue("1h") Duration tombstoneTtl, @DefaultValue("1s") Duration maxReconnectDelay) {

	public RedisConnectorProperties {
		if (keyPrefix == null) {
			throw new IllegalArgumentException("sluice.redis.key-prefix must not be null");
		}
		if (tombstoneTtl == null || tombstoneTtl.isNegative()) {
			throw new IllegalArgumentException(
					"sluice.redis.tombstone-ttl must be zero (keep) or positive, was " + tombstoneTtl);
		}
		if (maxReconnectDelay == null || maxReconnectDelay.compareTo(Duration.ofMillis(100)) < 0) {
			throw new IllegalArgumentException(
					"sluice.redis.max-reconnect-delay must be at least 100ms, was " + maxReconnectDelay);
		}
	}

}
