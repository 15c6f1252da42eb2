package io.sluice.connector.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import io.sluice.connector.MessageBus;
import io.sluice.connector.tck.MessageBusContract;

/** {@link RedisMessageBus} on a real Redis server: the contract, every node with its own pub/sub connection. */
class RedisMessageBusIT extends MessageBusContract {

	private static EmbeddedRedisServer redis;

	private static RedisConnectorTemplate template;

	private final List<RedisMessageBus> nodes = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startRedis() throws IOException {
		redis = EmbeddedRedisServer.start();
		template = redis.template("it-bus:");
	}

	@AfterAll
	static void stopRedis() throws IOException {
		redis.close();
	}

	@AfterEach
	void closeNodes() {
		this.nodes.forEach(RedisMessageBus::close);
	}

	@Override
	protected MessageBus node(String nodeId) {
		RedisMessageBus node = new RedisMessageBus(nodeId, template);
		this.nodes.add(node);
		return node;
	}

	@Override
	protected Duration timeout() {
		return EmbeddedRedisServer.TIMEOUT;
	}

}
