package io.sluice.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code @deepstream/client} (Node.js, pinned in {@code clients/node-interop}) against a Sluice server in a
 * child JVM, for RPC and presence: accept and response, a provider's error, a reject rerouted to the other provider,
 * every provider rejecting, no provider, both timeouts, a provider that disconnects mid-call; logins, a user with two
 * connections, queries and logouts; first on one server, then across two servers that share a Redis message bus,
 * with providers and a second connection on the other node. Skipped, loudly, when Node.js 18+ and npm are not on
 * the PATH.
 */
class RpcPresenceInteropIT {

	/** Short, so that the response-timeout check does not wait deepstream's default 10 s. */
	private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(90);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("rpc-presence-interop");

	private RedisServer redis;

	@AfterEach
	void stopServers() throws Exception {
		interop.stopServers();
		if (this.redis != null) {
			this.redis.stop();
		}
	}

	@Test
	void realClientsCallProceduresAndSeeWhoIsOnline(@TempDir Path dataDir) throws Exception {
		String prefix = "interop-" + UUID.randomUUID().toString().substring(0, 8);
		try {
			ServerProcess server = start("server.log", List.of("--sluice.data-dir=" + dataDir.toAbsolutePath()));
			assertAllPassed(runScenario("rpc-presence", List.of(server.webSocketUrl(), prefix)));
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	@Test
	void callsAndLoginsCrossGatewayNodesOverARedisBus(@TempDir Path dataDir) throws Exception {
		String prefix = "interop-" + UUID.randomUUID().toString().substring(0, 8);
		int redisPort = ServerProcess.freePort();
		this.redis = EmbeddedRedis.start(redisPort);
		List<String> shared = List.of("--spring.profiles.active=redis", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + redisPort, "--sluice.redis.key-prefix=" + prefix + ":");
		try {
			ServerProcess first = start("server-node-1.log",
					with(shared, "--sluice.data-dir=" + dataDir.resolve("node-1")));
			ServerProcess second = start("server-node-2.log",
					with(shared, "--sluice.data-dir=" + dataDir.resolve("node-2")));
			NodeInterop.Run run = runScenario("rpc-presence-two-nodes",
					List.of(first.webSocketUrl(), prefix, second.webSocketUrl()));
			assertAllPassed(run);
			assertThat(run.check("login").orElseThrow().detail().path("nodes").asInt()).isEqualTo(2);
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	private ServerProcess start(String log, List<String> args) throws Exception {
		return interop.start(ServerProcess.freePort(), log, STARTUP_TIMEOUT,
				with(with(args, "--sluice.rpc.response-timeout=" + RESPONSE_TIMEOUT.toMillis() + "ms"),
						"--sluice.rpc.provide-requestor-name=true"));
	}

	private static List<String> with(List<String> args, String arg) {
		List<String> all = new ArrayList<>(args);
		all.add(arg);
		return all;
	}

	private static void assertAllPassed(NodeInterop.Run run) {
		assertThat(run.failed()).as(run::describe).isEmpty();
		assertThat(run.checks()).as(run::describe).extracting(NodeInterop.Check::name).containsExactly("login",
				"provide", "rpc-accept-and-response", "rpc-requestor-name", "rpc-request-error", "rpc-reject-is-rerouted",
				"rpc-all-reject-gives-no-provider", "rpc-no-provider", "rpc-accept-timeout", "rpc-response-timeout",
				"rpc-provider-disconnects-mid-call", "presence-subscribe", "presence-login",
				"presence-second-connection-is-no-new-login", "presence-query",
				"presence-online-until-last-connection-leaves", "no-unexpected-client-errors");
		assertThat(run.exitStatus()).as(run::describe).isZero();
	}

	/** Runs {@code rpc-presence.js}, told the server's response timeout, which its timeout check waits for. */
	private static NodeInterop.Run runScenario(String name, List<String> arguments) throws Exception {
		return interop.node().run("rpc-presence.js", name, arguments,
				Map.of("INTEROP_RPC_RESPONSE_TIMEOUT_MS", Long.toString(RESPONSE_TIMEOUT.toMillis())), SCENARIO_TIMEOUT);
	}

}
