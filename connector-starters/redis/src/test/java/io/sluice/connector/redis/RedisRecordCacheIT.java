package io.sluice.connector.redis;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.sluice.connector.RecordCache;
import io.sluice.connector.tck.RecordCacheContract;

/** {@link RedisRecordCache} on a real Redis server: the contract. */
class RedisRecordCacheIT extends RecordCacheContract {

	private static EmbeddedRedisServer redis;

	private static RedisRecordCache cache;

	@BeforeAll
	static void startRedis() throws IOException {
		redis = EmbeddedRedisServer.start();
		cache = new RedisRecordCache(redis.template("it-cache:"), Duration.ofHours(1), Clock.systemUTC());
	}

	@AfterAll
	static void stopRedis() throws IOException {
		redis.close();
	}

	@Override
	protected RecordCache cache() {
		return cache;
	}

	@Override
	protected Duration timeout() {
		return EmbeddedRedisServer.TIMEOUT;
	}

}
