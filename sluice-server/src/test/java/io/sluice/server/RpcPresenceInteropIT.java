package io.sluice.server;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

	private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(90);

	private static final Path MODULE_DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	private static final Path INTEROP_DIR = MODULE_DIR.resolve("../clients/node-interop").normalize();

	private static final Path LOGS = MODULE_DIR.resolve("target/rpc-presence-interop");

	private static NodeInterop.Found found;

	private final List<ServerProcess> servers = new ArrayList<>();

	private RedisServer redis;

	@BeforeAll
	static void installClient() throws Exception {
		Files.createDirectories(LOGS);
		found = NodeInterop.find(INTEROP_DIR, LOGS);
		if (found.usable()) {
			found.interop().install(NPM_TIMEOUT);
		}
		else {
			System.err.println("!!! " + RpcPresenceInteropIT.class.getSimpleName() + " is SKIPPED: it needs Node.js "
					+ NodeInterop.MINIMUM_NODE_MAJOR + "+ and npm on the PATH to run the real @deepstream/client; "
					+ found.description() + " !!!");
		}
	}

	@BeforeEach
	void requireNode() {
		assumeTrue(found.usable(), () -> "Node.js " + NodeInterop.MINIMUM_NODE_MAJOR + "+ and npm are needed: "
				+ found.description());
	}

	@AfterEach
	void stopServers() throws Exception {
		this.servers.forEach(ServerProcess::close);
		if (this.redis != null) {
			this.redis.stop();
		}
	}

	@Test
	void realClientsCallProceduresAndSeeWhoIsOnline(@TempDir Path dataDir) throws Exception {
		Path serverLog = LOGS.resolve("server.log");
		String prefix = "interop-" + UUID.randomUUID().toString().substring(0, 8);
		try {
			ServerProcess server = start(serverLog, List.of("--sluice.data-dir=" + dataDir.toAbsolutePath()));
			assertAllPassed(runScenario("rpc-presence", List.of(server.webSocketUrl(), prefix)));
		}
		catch (AssertionError | Exception failure) {
			throw withServerOutput(failure, serverLog);
		}
	}

	@Test
	void callsAndLoginsCrossGatewayNodesOverARedisBus(@TempDir Path dataDir) throws Exception {
		Path firstLog = LOGS.resolve("server-node-1.log");
		Path secondLog = LOGS.resolve("server-node-2.log");
		String prefix = "interop-" + UUID.randomUUID().toString().substring(0, 8);
		int redisPort = ServerProcess.freePort();
		this.redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").setting("save \"\"")
			.setting("appendonly no").build();
		this.redis.start();
		List<String> shared = List.of("--spring.profiles.active=redis", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + redisPort, "--sluice.redis.key-prefix=" + prefix + ":");
		try {
			ServerProcess first = start(firstLog, with(shared, "--sluice.data-dir=" + dataDir.resolve("node-1")));
			ServerProcess second = start(secondLog, with(shared, "--sluice.data-dir=" + dataDir.resolve("node-2")));
			NodeInterop.Run run = runScenario("rpc-presence-two-nodes",
					List.of(first.webSocketUrl(), prefix, second.webSocketUrl()));
			assertAllPassed(run);
			assertThat(run.check("login").orElseThrow().detail().path("nodes").asInt()).isEqualTo(2);
		}
		catch (AssertionError | Exception failure) {
			throw withServerOutput(withServerOutput(failure, firstLog), secondLog);
		}
	}

	private ServerProcess start(Path log, List<String> args) throws Exception {
		Files.deleteIfExists(log);
		ServerProcess server = ServerProcess.start(ServerProcess.freePort(), log, STARTUP_TIMEOUT,
				with(args, "--sluice.rpc.response-timeout=" + RESPONSE_TIMEOUT.toMillis() + "ms"));
		this.servers.add(server);
		return server;
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

	/** The server's output in the failure itself, as the build sends the test's own output to a file. */
	private static AssertionError withServerOutput(Throwable failure, Path log) {
		return new AssertionError(failure.getMessage() + System.lineSeparator() + "----- last 60 lines of " + log
				+ " -----" + System.lineSeparator() + ServerProcess.Logs.tail(log, 60), failure);
	}

	/** Runs {@code rpc-presence.js}; {@link NodeInterop} runs only the records scenario. */
	private static NodeInterop.Run runScenario(String name, List<String> arguments) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(node().toString());
		command.add("rpc-presence.js");
		command.addAll(arguments);
		Path stdout = LOGS.resolve(name + ".out");
		Path stderr = LOGS.resolve(name + ".err");
		ProcessBuilder builder = new ProcessBuilder(command).directory(INTEROP_DIR.toFile())
			.redirectOutput(stdout.toFile())
			.redirectError(stderr.toFile());
		builder.environment().put("INTEROP_RPC_RESPONSE_TIMEOUT_MS", Long.toString(RESPONSE_TIMEOUT.toMillis()));
		Process process = builder.start();
		try {
			if (!process.waitFor(SCENARIO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("rpc-presence.js did not finish within " + SCENARIO_TIMEOUT);
			}
		}
		finally {
			process.destroyForcibly();
		}
		List<NodeInterop.Check> checks = new ArrayList<>();
		for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
			if (!line.isBlank()) {
				checks.add(NodeInterop.Check.parse(line));
			}
		}
		return new NodeInterop.Run(name, process.exitValue(), List.copyOf(checks),
				ServerProcess.Logs.tail(stderr, 40));
	}

	private static Path node() {
		String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
		for (String entry : path.split(Pattern.quote(File.pathSeparator))) {
			for (String suffix : List.of("", ".exe")) {
				Path candidate = Path.of(entry.isBlank() ? "." : entry, "node" + suffix);
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		throw new IllegalStateException("node is not on the PATH");
	}

}
