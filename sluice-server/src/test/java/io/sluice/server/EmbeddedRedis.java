package io.sluice.server;

import java.io.IOException;

import redis.embedded.RedisServer;

/** The tests' redis-server processes: on 127.0.0.1, empty, keeping nothing on disk. */
final class EmbeddedRedis {

	private EmbeddedRedis() {
	}

	/** A redis-server on {@code port}, started. */
	static RedisServer start(int port) throws IOException {
		RedisServer redis = RedisServer.newRedisServer()
			.port(port)
			.bind("127.0.0.1")
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		redis.start();
		return redis;
	}

}
