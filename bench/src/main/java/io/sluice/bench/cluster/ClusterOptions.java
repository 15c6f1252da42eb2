package io.sluice.bench.cluster;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ClusterServices}' arguments, {@code --name value} or {@code --name=value}. The Kafka broker takes no port:
 * spring-kafka-test's KRaft broker always listens on a free one (its {@code kafkaPorts} is not used in KRaft mode),
 * and it is in the JVM, so its port is printed with the other properties.
 *
 * @param redisPort the redis-server's port on 127.0.0.1
 * @param postgresPort PostgreSQL's port on localhost
 * @param propertiesFile where the Spring properties are written once every server is up; {@code null} for none
 */
record ClusterOptions(int redisPort, int postgresPort, Path propertiesFile) {

	static final int DEFAULT_REDIS_PORT = 6390;

	static final int DEFAULT_POSTGRES_PORT = 6394;

	ClusterOptions {
		port("redis-port", redisPort);
		port("postgres-port", postgresPort);
		if (redisPort == postgresPort) {
			throw new IllegalArgumentException("--redis-port and --postgres-port must differ, were both " + redisPort);
		}
	}

	static ClusterOptions parse(String... args) {
		Map<String, String> values = new LinkedHashMap<>();
		Deque<String> rest = new ArrayDeque<>(List.of(args));
		while (!rest.isEmpty()) {
			String[] named = rest.pop().split("=", 2);
			if (!named[0].startsWith("--")) {
				throw new IllegalArgumentException("Expected --name value, got '" + String.join("=", named) + "'");
			}
			String value = (named.length == 2) ? named[1] : rest.poll();
			if (value == null) {
				throw new IllegalArgumentException("No value for " + named[0]);
			}
			values.put(named[0].substring(2), value);
		}
		ClusterOptions options = new ClusterOptions(number(values, "redis-port", DEFAULT_REDIS_PORT),
				number(values, "postgres-port", DEFAULT_POSTGRES_PORT), path(values.remove("properties")));
		if (!values.isEmpty()) {
			throw new IllegalArgumentException("Unknown arguments: " + values.keySet()
					+ " (known: --redis-port, --postgres-port, --properties)");
		}
		return options;
	}

	/**
	 * What sluice-server needs, with {@code --spring.profiles.active=redis,kafka,postgres}, to use these servers.
	 * @param kafkaBootstrap the broker list as the broker reports it
	 */
	Map<String, String> springProperties(String kafkaBootstrap) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", Integer.toString(this.redisPort));
		properties.put("spring.kafka.bootstrap-servers", kafkaBootstrap);
		properties.put("spring.r2dbc.url", "r2dbc:postgresql://localhost:" + this.postgresPort + "/postgres");
		properties.put("spring.r2dbc.username", ClusterServices.POSTGRES_USER);
		properties.put("spring.r2dbc.password", ClusterServices.POSTGRES_USER);
		return properties;
	}

	private static void port(String name, int port) {
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("--" + name + " must be a port between 1 and 65535, was " + port);
		}
	}

	private static int number(Map<String, String> values, String name, int fallback) {
		String value = values.remove(name);
		if (value == null) {
			return fallback;
		}
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + name + " must be a number, was '" + value + "'");
		}
	}

	private static Path path(String value) {
		return (value != null) ? Path.of(value) : null;
	}

}
