package io.sluice.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real {@code @deepstream/client} (Node.js, pinned in {@code clients/node-interop}) against a Sluice
 * server in a child JVM: records, write acknowledgements, a version conflict and events while the server
 * runs; then the server is killed with SIGKILL, started again on the same data directory (its embedded H2
 * file store) and fresh clients must read the last acknowledged write and go on from its version. Skipped,
 * loudly, when Node.js 18+ and npm are not on the PATH.
 */
class DeepstreamClientInteropIT {

	/**
	 * More arguments for the server, separated by spaces, e.g. {@code -Dsluice.interop.server-args=--debug}, to
	 * run the same scenario against other connectors.
	 */
	private static final String EXTRA_SERVER_ARGS = System.getProperty("sluice.interop.server-args", "");

	private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	private static final int TAIL_LINES = 60;

	private static final List<String> SERVER_LOGS = List.of("server-live.log", "server-after-restart.log");

	private static final Path MODULE_DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	private static final Path INTEROP_DIR = MODULE_DIR.resolve("../clients/node-interop").normalize();

	private static final Path LOGS = MODULE_DIR.resolve("target/deepstream-interop");

	private static NodeInterop.Found found;

	private final List<ServerProcess> servers = new ArrayList<>();

	@BeforeAll
	static void installClient() throws Exception {
		Files.createDirectories(LOGS);
		found = NodeInterop.find(INTEROP_DIR, LOGS);
		if (found.usable()) {
			found.interop().install(NPM_TIMEOUT);
		}
		else {
			System.err.println("!!! " + DeepstreamClientInteropIT.class.getSimpleName() + " is SKIPPED: it needs Node.js "
					+ NodeInterop.MINIMUM_NODE_MAJOR + "+ and npm on the PATH to run the real @deepstream/client; "
					+ found.description() + " !!!");
		}
	}

	@BeforeEach
	void requireNode() {
		// assumed per test rather than in @BeforeAll, so the build reports the test as skipped
		assumeTrue(found.usable(), () -> "Node.js " + NodeInterop.MINIMUM_NODE_MAJOR + "+ and npm are needed: "
				+ found.description());
	}

	@AfterEach
	void stopServers() {
		this.servers.forEach(ServerProcess::close);
	}

	@Test
	void realClientSeesEveryChangeAndAcknowledgedWritesSurviveAKill(@TempDir Path dataDir) throws Exception {
		for (String log : SERVER_LOGS) {
			Files.deleteIfExists(LOGS.resolve(log));
		}
		String prefix = "interop-" + UUID.randomUUID().toString().substring(0, 8);
		int port = ServerProcess.freePort();
		// only the directory: the store's URL and its options stay the server's defaults
		List<String> serverArgs = new ArrayList<>(List.of("--sluice.data-dir=" + dataDir.toAbsolutePath()));
		serverArgs.addAll(Arrays.stream(EXTRA_SERVER_ARGS.trim().split("\\s+")).filter((arg) -> !arg.isEmpty()).toList());
		try {
			ServerProcess first = start(port, SERVER_LOGS.get(0), serverArgs);
			NodeInterop.Run live = found.interop().run("live", List.of(first.webSocketUrl(), "live", prefix), SCENARIO_TIMEOUT);
			assertAllPassed(live, "login", "stale-write-gets-version-exists", "a-receives-event", "snapshot", "head",
					"final-state");
			int version = live.check("final-state").orElseThrow().detail().path("version").asInt();

			first.kill();
			assertThat(dataDir).as("the store's files are in the data directory")
				.isDirectoryContaining((file) -> file.getFileName().toString().startsWith("sluice"));

			ServerProcess second = start(port, SERVER_LOGS.get(1), serverArgs);
			NodeInterop.Run afterRestart = found.interop().run("after-restart",
					List.of(second.webSocketUrl(), "after-restart", prefix, Integer.toString(version)),
					SCENARIO_TIMEOUT);
			assertAllPassed(afterRestart, "snapshot-after-restart", "head-after-restart",
					"write-after-restart-continues-versions", "event-after-restart");
		}
		catch (AssertionError | Exception failure) {
			// in the failure itself, as the build sends the test's own output to a file
			throw new AssertionError(failure.getMessage() + serverOutput(), failure);
		}
	}

	private ServerProcess start(int port, String logName, List<String> args) throws Exception {
		ServerProcess server = ServerProcess.start(port, LOGS.resolve(logName), STARTUP_TIMEOUT, args);
		this.servers.add(server);
		return server;
	}

	private static void assertAllPassed(NodeInterop.Run run, String... expectedChecks) {
		assertThat(run.failed()).as(run::describe).isEmpty();
		assertThat(run.checks()).as(run::describe).extracting(NodeInterop.Check::name).contains(expectedChecks);
		assertThat(run.exitStatus()).as(run::describe).isZero();
	}

	private static String serverOutput() {
		StringBuilder output = new StringBuilder();
		for (String name : SERVER_LOGS) {
			Path log = LOGS.resolve(name);
			if (Files.exists(log)) {
				output.append(System.lineSeparator())
					.append("----- last ")
					.append(TAIL_LINES)
					.append(" lines of ")
					.append(log)
					.append(" -----")
					.append(System.lineSeparator())
					.append(ServerProcess.Logs.tail(log, TAIL_LINES));
			}
		}
		return output.toString();
	}

}
