package io.sluice.connector.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import redis.embedded.RedisServer;

/**
 * A real Redis server (the redis-server 6.2 binary bundled by {@code com.github.codemonstur:embedded-redis}) on a
 * free local port, without persistence, with a Lettuce connection factory to it. One per test class.
 */
final class EmbeddedRedisServer implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final RedisServer server;

	private final int port;

	private final LettuceConnectionFactory connectionFactory;

	private EmbeddedRedisServer(RedisServer server, int port) {
		this.server = server;
		this.port = port;
		this.connectionFactory = connectionFactory(port);
	}

	static EmbeddedRedisServer start() throws IOException {
		int port = freePort();
		RedisServer server = RedisServer.newRedisServer()
			.port(port)
			.bind("127.0.0.1")
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		server.start();
		return new EmbeddedRedisServer(server, port);
	}

	static LettuceConnectionFactory connectionFactory(int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** A port nothing listens on as this returns; a server started on it soon after is very likely to get it. */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return this.port;
	}

	LettuceConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	RedisConnectorTemplate template(String keyPrefix) {
		return new RedisConnectorTemplate(this.connectionFactory, keyPrefix);
	}

	@Override
	public void close() throws IOException {
		try {
			this.connectionFactory.destroy();
		}
		finally {
			this.server.stop();
		}
	}

}
