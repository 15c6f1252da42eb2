package io.sluice.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * runs; then the server is killed with SIGKILL, started again on the same H2 file and a fresh client must
 * read the last acknowledged write. Skipped, loudly, when Node.js 18+ and npm are not on the PATH.
 */
class DeepstreamClientInteropIT {

	/**
	 * Appended to {@code r2dbc:h2:file:///<data dir>/sluice}, so the test can follow whatever URL options the
	 * server uses by default.
	 */
	static final String R2DBC_URL_OPTIONS = System.getProperty("sluice.interop.r2dbc-url-options", "");

	private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	private static final int TAIL_LINES = 80;

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
		List<String> serverArgs = List
			.of("--spring.r2dbc.url=r2dbc:h2:file:///" + dataDir.toAbsolutePath() + "/sluice" + R2DBC_URL_OPTIONS);
		try {
			ServerProcess first = start(port, SERVER_LOGS.get(0), serverArgs);
			NodeInterop.Run live = found.interop().run("live", List.of(first.webSocketUrl(), "live", prefix), SCENARIO_TIMEOUT);
			assertAllPassed(live, "login", "stale-write-gets-version-exists", "a-receives-event", "snapshot", "head",
					"final-state");
			int version = live.check("final-state").orElseThrow().detail().path("version").asInt();

			first.kill();

			ServerProcess second = start(port, SERVER_LOGS.get(1), serverArgs);
			NodeInterop.Run afterRestart = found.interop().run("after-restart",
					List.of(second.webSocketUrl(), "after-restart", prefix, Integer.toString(version)),
					SCENARIO_TIMEOUT);
			assertAllPassed(afterRestart, "snapshot-after-restart", "head-after-restart",
					"write-after-restart-continues-versions", "event-after-restart");
		}
		catch (Throwable failure) {
			printServerOutput();
			throw failure;
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

	private void printServerOutput() {
		for (String name : SERVER_LOGS) {
			Path log = LOGS.resolve(name);
			if (Files.exists(log)) {
				System.err.println("----- last " + TAIL_LINES + " lines of " + log + " -----");
				System.err.println(ServerProcess.Logs.tail(log, TAIL_LINES));
			}
		}
	}

}
