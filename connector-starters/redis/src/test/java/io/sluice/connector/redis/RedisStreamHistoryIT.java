package io.sluice.connector.redis;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.sluice.connector.StreamHistory;
import io.sluice.connector.tck.StreamHistoryContract;

/** {@link RedisStreamHistory} on a real Redis server: the contract. */
class RedisStreamHistoryIT extends StreamHistoryContract {

	private static EmbeddedRedisServer redis;

	private static RedisStreamHistory history;

	@BeforeAll
	static void startRedis() throws IOException {
		redis = EmbeddedRedisServer.start();
		history = new RedisStreamHistory(redis.template("it-history:"));
	}

	@AfterAll
	static void stopRedis() throws IOException {
		redis.close();
	}

	@Override
	protected StreamHistory history() {
		return history;
	}

	@Override
	protected Duration timeout() {
		return EmbeddedRedisServer.TIMEOUT;
	}

}
