package io.sluice.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import reactor.core.publisher.Mono;
import redis.embedded.RedisServer;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * sluice-server on the {@code cluster} profile, chosen by profile only: Redis as cache and bus (a real
 * redis-server binary), Kafka as the storage queue (a real broker, KRaft, in the test's JVM), and MongoDB as the
 * store, here the wire-compatible mongo-java-server since no mongod can run on this machine. The real
 * {@code @deepstream/client} drives it; the server is killed with SIGKILL mid-way and, started again, must serve
 * the last acknowledged write and go on from its version; the store must end up holding it.
 */
class ClusterProfileWithMongoJavaServerInteropIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(150);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("cluster-profile-interop");

	private static RedisServer redis;

	private static int redisPort;

	private static EmbeddedKafkaKraftBroker kafka;

	private static MongoServer mongo;

	private static String mongoUri;

	@BeforeAll
	static void startServices() throws Exception {
		if (!interop.usable()) {
			// the test is skipped, so the services it would talk to are not worth starting
			return;
		}
		redisPort = freePort();
		redis = EmbeddedRedis.start(redisPort);
		kafka = new EmbeddedKafkaKraftBroker(1, 1);
		kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
		kafka.afterPropertiesSet();
		mongo = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
		mongoUri = mongo.bindAndGetConnectionString();
	}

	@AfterAll
	static void stopServices() throws IOException {
		if (kafka != null) {
			kafka.destroy();
		}
		if (redis != null) {
			redis.stop();
		}
		if (mongo != null) {
			mongo.shutdownNow();
		}
	}

	@Test
	void clusterProfileServesTheRealClientKeepsWritesAcrossAKillAndStoresThemInMongoJavaServer(@TempDir Path dataDir)
			throws Exception {
		String run = UUID.randomUUID().toString().substring(0, 8);
		String prefix = "production-" + run;
		int port = ServerProcess.freePort();
		String database = "interop_" + run;
		List<String> args = List.of("--spring.profiles.active=cluster", "--sluice.data-dir=" + dataDir,
				"--spring.mongodb.uri=" + mongoUri + "/" + database,
				// mongo-java-server does not answer the command Boot's MongoDB health check sends; a real mongod does.
				"--management.health.mongodb.enabled=false",
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
				"--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
				// The killed server's worker stays in the consumer group until its session times out (45 s by
				// default); only then are its partitions handed to the restarted one. Keep that short here.
				"--spring.kafka.consumer.properties.session.timeout.ms=6000",
				"--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
				"--sluice.kafka.queue.topic=interop.records." + run, "--sluice.redis.key-prefix=interop:" + run + ":");
		ServerProcess first = start(port, "server-live.log", args);
		try {
			assertThat(Files.readString(first.log())).contains("Storage queue: kafka")
				.contains("RecordCache: redis")
				.containsPattern("(?i)RecordStore: mongodb|store MongoRecordStore");
			NodeInterop.Run live = interop.node().run("live", List.of(first.webSocketUrl(), "live", prefix),
					SCENARIO_TIMEOUT);
			assertThat(live.failed()).as(live::describe).isEmpty();
			assertThat(live.exitStatus()).as(live::describe).isZero();
			int version = live.check("final-state").orElseThrow().detail().path("version").asInt();
			first.kill();

			ServerProcess second = start(port, "server-after-restart.log", args);
			NodeInterop.Run afterRestart = interop.node().run("after-restart",
					List.of(second.webSocketUrl(), "after-restart", prefix, Integer.toString(version)),
					SCENARIO_TIMEOUT);
			assertThat(afterRestart.failed()).as(afterRestart::describe).isEmpty();
			assertThat(afterRestart.exitStatus()).as(afterRestart::describe).isZero();
			// after-restart wrote once more: the storage worker must bring that version into MongoDB.
			assertThat(storedVersion(database, prefix + "/record", version + 1)).isEqualTo(version + 1);
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	/** Waits (60 s at most) until the store holds {@code expected} of the record; returns the version it holds. */
	private static long storedVersion(String database, String name, long expected) {
		try (MongoClient client = MongoClients.create(mongoUri)) {
			MongoCollection<Document> records = client.getDatabase(database).getCollection("sluice_records");
			return await("version " + expected + " of " + name + " in the store").atMost(Duration.ofSeconds(60))
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(200))
				.until(() -> {
					Document document = Mono.from(records.find(Filters.eq("_id", name)).first())
						.block(Duration.ofSeconds(10));
					return (document != null) ? ((Number) document.get("v")).longValue() : -1;
				}, (seen) -> seen >= expected);
		}
	}

	private ServerProcess start(int port, String log, List<String> args) throws Exception {
		return interop.start(port, log, STARTUP_TIMEOUT, args);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
