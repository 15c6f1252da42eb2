package io.sluice.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import redis.embedded.RedisServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A {@code sluice-server} in the test's JVM on the {@code redis} profile, over a real redis-server without
 * persistence, which the test may stop and start again empty on the same port. The port is taken below the
 * ephemeral range, so that while Redis is down, the client's reconnects cannot take it.
 */
final class ServerOnEmbeddedRedis implements AutoCloseable {

	private final int redisPort = ServerProcess.freePort();

	private final List<RedisServer> redisServers = new ArrayList<>();

	private final ConfigurableApplicationContext server;

	/** @param arguments more arguments for the server, as {@code --name=value} */
	ServerOnEmbeddedRedis(Path dataDir, String... arguments) throws IOException {
		startRedis();
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--spring.profiles.active=redis",
				"--sluice.data-dir=" + dataDir, "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + this.redisPort, "--spring.data.redis.timeout=500ms",
				"--spring.main.banner-mode=off"));
		all.addAll(List.of(arguments));
		try {
			this.server = new SpringApplicationBuilder(SluiceServer.class).run(all.toArray(String[]::new));
		}
		catch (RuntimeException ex) {
			stopRedis();
			throw ex;
		}
	}

	/** The server's HTTP and WebSocket port. */
	int port() {
		return this.server.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	<T> T bean(Class<T> type) {
		return this.server.getBean(type);
	}

	/** Stops Redis; what it held is gone. */
	void stopRedis() {
		this.redisServers.forEach((redis) -> {
			try {
				redis.stop();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Could not stop redis-server", ex);
			}
		});
		this.redisServers.clear();
	}

	/** Starts Redis, empty, on its port. */
	void startRedis() throws IOException {
		RedisServer redis = EmbeddedRedis.start(this.redisPort);
		this.redisServers.add(redis);
	}

	@Override
	public void close() {
		try {
			if (this.server != null) {
				this.server.close();
			}
		}
		finally {
			stopRedis();
		}
	}

}
