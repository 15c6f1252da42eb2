package io.sluice.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

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

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("deepstream-interop");

	@Test
	void realClientSeesEveryChangeAndAcknowledgedWritesSurviveAKill(@TempDir Path dataDir) throws Exception {
		String prefix = "interop-" + UUID.randomUUID().toString().substring(0, 8);
		int port = ServerProcess.freePort();
		// only the directory: the store's URL and its options stay the server's defaults
		List<String> serverArgs = new ArrayList<>(List.of("--sluice.data-dir=" + dataDir.toAbsolutePath()));
		serverArgs.addAll(Arrays.stream(EXTRA_SERVER_ARGS.trim().split("\\s+")).filter((arg) -> !arg.isEmpty()).toList());
		try {
			ServerProcess first = interop.start(port, "server-live.log", STARTUP_TIMEOUT, serverArgs);
			NodeInterop.Run live = interop.node()
				.run("live", List.of(first.webSocketUrl(), "live", prefix), SCENARIO_TIMEOUT);
			assertAllPassed(live, "login", "opened-record-exists-for-others", "stale-write-gets-version-exists",
					"a-receives-event", "snapshot", "head", "final-state");
			int version = live.check("final-state").orElseThrow().detail().path("version").asInt();

			first.kill();
			assertThat(dataDir).as("the store's files are in the data directory")
				.isDirectoryContaining((file) -> file.getFileName().toString().startsWith("sluice"));

			ServerProcess second = interop.start(port, "server-after-restart.log", STARTUP_TIMEOUT, serverArgs);
			NodeInterop.Run afterRestart = interop.node().run("after-restart",
					List.of(second.webSocketUrl(), "after-restart", prefix, Integer.toString(version)),
					SCENARIO_TIMEOUT);
			assertAllPassed(afterRestart, "opened-record-exists-after-restart", "snapshot-after-restart",
					"head-after-restart", "write-after-restart-continues-versions", "event-after-restart");
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	private static void assertAllPassed(NodeInterop.Run run, String... expectedChecks) {
		assertThat(run.failed()).as(run::describe).isEmpty();
		assertThat(run.checks()).as(run::describe).extracting(NodeInterop.Check::name).contains(expectedChecks);
		assertThat(run.exitStatus()).as(run::describe).isZero();
	}

}
