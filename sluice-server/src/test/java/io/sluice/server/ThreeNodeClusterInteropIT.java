package io.sluice.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three {@code sluice-server} processes on the Redis profile (cache and bus: a real redis-server binary) sharing one
 * store (MongoDB's wire protocol, here mongo-java-server in the test's JVM), with real {@code @deepstream/client}
 * connections spread over them ({@code clients/node-interop/cluster.js}): events, records seen across nodes,
 * VERSION_EXISTS between writers on two nodes, RPC (a local provider first, a local reject rerouted to another node,
 * a provider on another node), presence, {@code notify} of a change made in the store behind the servers' back, and
 * listening with provider and subscriber on different nodes (accept, reject, unlisten, subscribers leaving); then the
 * third server is killed with SIGKILL, and within the expiry its provider is replaced and the provision of its
 * subscriber ends. Short {@code sluice.cluster.*} intervals keep the run short. Skipped, loudly, when Node.js 18+ and
 * npm are not on the PATH.
 */
class ThreeNodeClusterInteropIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(150);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(100);

	private static final Duration HEARTBEAT = Duration.ofMillis(500);

	private static final int MISSED_HEARTBEATS = 3;

	private static final Duration RESYNC = Duration.ofSeconds(2);

	/** What the notify check expects subscribers to get: the version the test puts in the store. */
	private static final long STORED_VERSION = 5;

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("three-node-cluster-interop");

	private RedisServer redis;

	private MongoServer mongo;

	@AfterEach
	void stopServices() throws Exception {
		interop.stopServers();
		if (this.redis != null) {
			this.redis.stop();
		}
		if (this.mongo != null) {
			this.mongo.shutdownNow();
		}
	}

	@Test
	void realClientsOnThreeNodesUseEveryCapabilityAcrossThemAndOutliveANodeKilled(@TempDir Path dataDir)
			throws Exception {
		String run = UUID.randomUUID().toString().substring(0, 8);
		String prefix = "cluster-" + run;
		int redisPort = ServerProcess.freePort();
		this.redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").setting("save \"\"")
			.setting("appendonly no").build();
		this.redis.start();
		this.mongo = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
		String mongoUri = this.mongo.bindAndGetConnectionString();
		String database = "cluster_" + run;
		List<String> shared = List.of("--spring.profiles.active=mongodb,redis",
				"--spring.mongodb.uri=" + mongoUri + "/" + database,
				// mongo-java-server does not answer the command Boot's MongoDB health check sends; a real mongod does.
				"--management.health.mongodb.enabled=false", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + redisPort, "--sluice.redis.key-prefix=" + prefix + ":",
				"--sluice.cluster.heartbeat-interval=" + HEARTBEAT.toMillis() + "ms",
				"--sluice.cluster.missed-heartbeats=" + MISSED_HEARTBEATS,
				"--sluice.cluster.resync-interval=" + RESYNC.toMillis() + "ms");
		try {
			List<ServerProcess> nodes = new ArrayList<>();
			for (int node = 1; node <= 3; node++) {
				nodes.add(interop.start(ServerProcess.freePort(), "server-node-" + node + ".log", STARTUP_TIMEOUT,
						with(shared, "--sluice.data-dir=" + dataDir.resolve("node-" + node))));
			}
			List<String> urls = nodes.stream().map(ServerProcess::webSocketUrl).toList();

			NodeInterop.Run setup = scenario("setup", urls, prefix, List.of("setup"));
			assertThat(setup.failed()).as(setup::describe).isEmpty();
			assertThat(setup.exitStatus()).as(setup::describe).isZero();
			changeInTheStore(mongoUri, database, prefix + "/notify");

			NodeInterop.Run scenario = scenario("run", urls, prefix,
					List.of("run", Long.toString(nodes.get(2).pid()), Long.toString(STORED_VERSION)));
			assertThat(scenario.failed()).as(scenario::describe).isEmpty();
			assertThat(scenario.checks()).as(scenario::describe).extracting(NodeInterop.Check::name).containsExactly(
					"login", "event-reaches-subscribers-on-the-other-nodes",
					"record-set-on-one-node-is-seen-on-the-others", "version-exists-between-writers-on-two-nodes",
					"rpc-local-provider-first-a-local-reject-goes-to-another-node", "presence-across-nodes",
					"notify-reloads-the-store-for-subscribers-on-every-node",
					"listen-accept-provider-and-subscriber-on-different-nodes",
					"listen-reject-moves-to-a-listener-on-another-node",
					"listen-provider-that-unlistens-is-replaced-by-one-on-another-node", "listen-before-the-kill",
					"kill-node-3", "subscriber-on-a-dead-node-ends-the-provision", "provider-on-a-dead-node-is-replaced",
					"no-unexpected-client-errors");
			assertThat(scenario.exitStatus()).as(scenario::describe).isZero();
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	private static NodeInterop.Run scenario(String name, List<String> urls, String prefix, List<String> arguments)
			throws Exception {
		List<String> all = new ArrayList<>(urls);
		all.add(prefix);
		all.addAll(arguments);
		// Checks of a node's death wait out its expiry and a resync, which hands over what it decided.
		long expiry = HEARTBEAT.multipliedBy(MISSED_HEARTBEATS).plus(RESYNC).toMillis();
		return interop.node().run("cluster.js", name, all, Map.of("INTEROP_CLUSTER_EXPIRY_MS", Long.toString(expiry)),
				SCENARIO_TIMEOUT);
	}

	/**
	 * Once the storage workers have brought version 1 of {@code name} into the store, replaces it there, behind the
	 * servers' back, by version {@value #STORED_VERSION}, as another application sharing the database would.
	 */
	private static void changeInTheStore(String mongoUri, String database, String name) {
		try (MongoClient client = MongoClients.create(mongoUri)) {
			MongoCollection<Document> records = client.getDatabase(database).getCollection("sluice_records");
			await("version 1 of " + name + " in the store").atMost(Duration.ofSeconds(30))
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> {
					Document document = Mono.from(records.find(Filters.eq("_id", name)).first())
						.block(Duration.ofSeconds(10));
					return document != null && ((Number) document.get("v")).longValue() >= 1;
				});
			byte[] data = "{\"stage\":\"changed-in-the-store\"}".getBytes(StandardCharsets.UTF_8);
			Mono.from(records.updateOne(Filters.eq("_id", name),
					Updates.combine(Updates.set("v", STORED_VERSION), Updates.set("d", new Binary(data)))))
				.block(Duration.ofSeconds(10));
		}
	}

	private static List<String> with(List<String> args, String arg) {
		List<String> all = new ArrayList<>(args);
		all.add(arg);
		return all;
	}

}
