package io.sluice.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * sluice-server on its production connectors, chosen by profile only: Redis as cache, bus and history (a real
 * redis-server binary) and Kafka as the storage queue (a real broker, KRaft, in the test's JVM), with the worker
 * draining into the H2 file store. The real {@code @deepstream/client} drives it; the server is killed with
 * SIGKILL mid-way and, started again, must serve the last acknowledged write and go on from its version.
 */
class ProductionConnectorsInteropIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(150);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	private static final Path MODULE_DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	private static final Path LOGS = MODULE_DIR.resolve("target/production-connectors-interop");

	private static NodeInterop.Found found;

	private static RedisServer redis;

	private static int redisPort;

	private static EmbeddedKafkaKraftBroker kafka;

	private final List<ServerProcess> servers = new ArrayList<>();

	@BeforeAll
	static void startServices() throws Exception {
		Files.createDirectories(LOGS);
		found = NodeInterop.find(MODULE_DIR.resolve("../clients/node-interop").normalize(), LOGS);
		if (!found.usable()) {
			System.err.println("!!! " + ProductionConnectorsInteropIT.class.getSimpleName() + " is SKIPPED: it needs "
					+ "Node.js " + NodeInterop.MINIMUM_NODE_MAJOR + "+ and npm on the PATH; " + found.description()
					+ " !!!");
			return;
		}
		found.interop().install(Duration.ofMinutes(5));
		redisPort = freePort();
		redis = RedisServer.newRedisServer()
			.port(redisPort)
			.bind("127.0.0.1")
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		redis.start();
		kafka = new EmbeddedKafkaKraftBroker(1, 1);
		kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
		kafka.afterPropertiesSet();
	}

	@AfterAll
	static void stopServices() throws IOException {
		if (kafka != null) {
			kafka.destroy();
		}
		if (redis != null) {
			redis.stop();
		}
	}

	@BeforeEach
	void requireNode() {
		assumeTrue(found.usable(), () -> "Node.js and npm are needed: " + found.description());
	}

	@AfterEach
	void stopServers() {
		this.servers.forEach(ServerProcess::close);
	}

	@Test
	void redisAndKafkaProfilesServeTheRealClientAndKeepAcknowledgedWritesAcrossAKill(@TempDir Path dataDir)
			throws Exception {
		String run = UUID.randomUUID().toString().substring(0, 8);
		String prefix = "production-" + run;
		int port = ServerProcess.freePort();
		List<String> args = List.of("--spring.profiles.active=redis,kafka", "--sluice.data-dir=" + dataDir,
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
				"--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
				"--sluice.kafka.queue.topic=interop.records." + run, "--sluice.redis.key-prefix=interop:" + run + ":");
		ServerProcess first = start(port, "server-live.log", args);
		try {
			assertThat(Files.readString(first.log())).contains("Storage queue: kafka")
				.containsPattern("(?i)record cache: redis|RecordCache: redis|cache RedisRecordCache");
			NodeInterop.Run live = found.interop().run("live", List.of(first.webSocketUrl(), "live", prefix),
					SCENARIO_TIMEOUT);
			assertThat(live.failed()).as(live::describe).isEmpty();
			assertThat(live.exitStatus()).as(live::describe).isZero();
			int version = live.check("final-state").orElseThrow().detail().path("version").asInt();
			first.kill();

			ServerProcess second = start(port, "server-after-restart.log", args);
			NodeInterop.Run afterRestart = found.interop().run("after-restart",
					List.of(second.webSocketUrl(), "after-restart", prefix, Integer.toString(version)),
					SCENARIO_TIMEOUT);
			assertThat(afterRestart.failed()).as(afterRestart::describe).isEmpty();
			assertThat(afterRestart.exitStatus()).as(afterRestart::describe).isZero();
		}
		catch (AssertionError | Exception failure) {
			throw new AssertionError(failure.getMessage() + tails(), failure);
		}
	}

	private ServerProcess start(int port, String log, List<String> args) throws Exception {
		ServerProcess server = ServerProcess.start(port, LOGS.resolve(log), STARTUP_TIMEOUT, args);
		this.servers.add(server);
		return server;
	}

	private static String tails() {
		StringBuilder output = new StringBuilder();
		for (String name : List.of("server-live.log", "server-after-restart.log")) {
			Path log = LOGS.resolve(name);
			if (Files.exists(log)) {
				output.append(System.lineSeparator()).append("----- ").append(log).append(" -----")
					.append(System.lineSeparator()).append(ServerProcess.Logs.tail(log, 60));
			}
		}
		return output.toString();
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
