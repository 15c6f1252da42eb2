package io.sluice.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real {@code @deepstream/client} listening for records and events against a Sluice server in a child JVM
 * ({@code clients/node-interop/listening.js}): accept, reject and no answer moving on to the next listener, removal
 * after the last subscriber, a provider replaced when it disconnects or stops listening; then lists, notify and a
 * deletion seen by another subscriber.
 * Skipped, loudly, when Node.js 18+ and npm are not on the PATH.
 */
class ListeningInteropIT {

	private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(90);

	/** Short, so that the scenario's timeout check is quick, and long enough to tell waiting from not waiting. */
	private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(400);

	private static final Path MODULE_DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	private static final Path INTEROP_DIR = MODULE_DIR.resolve("../clients/node-interop").normalize();

	private static final Path LOGS = MODULE_DIR.resolve("target/listening-interop");

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
			System.err.println("!!! " + ListeningInteropIT.class.getSimpleName() + " is SKIPPED: it needs Node.js "
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
	void stopServers() {
		this.servers.forEach(ServerProcess::close);
	}

	@Test
	void realClientsListenRejectTimeOutAndTakeOverAndUseListsAndNotify(@TempDir Path dataDir) throws Exception {
		Path serverLog = LOGS.resolve("server.log");
		Files.deleteIfExists(serverLog);
		String prefix = "listen-" + UUID.randomUUID().toString().substring(0, 8);
		// Listeners asked in the order they listened, so that the scenario can tell who was asked first.
		ServerProcess server = ServerProcess.start(ServerProcess.freePort(), serverLog, STARTUP_TIMEOUT,
				List.of("--sluice.data-dir=" + dataDir.toAbsolutePath(), "--sluice.listen.shuffle-listeners=false",
						"--sluice.listen.response-timeout=" + RESPONSE_TIMEOUT.toMillis() + "ms"));
		this.servers.add(server);
		NodeInterop.Run run = runScenario(List.of(server.webSocketUrl(), prefix));
		try {
			assertThat(run.failed()).as(run::describe).isEmpty();
			assertThat(run.checks()).as(run::describe)
				.extracting(NodeInterop.Check::name)
				.contains("record-listen-accept", "event-listen-accept", "record-reject-goes-to-next-listener",
						"record-no-answer-goes-to-next-listener-after-the-response-timeout",
						"record-new-subscriber-learns-the-provider-on-subscribing",
						"record-removed-after-the-last-subscriber-leaves", "event-reject-goes-to-next-listener",
						"event-removed-after-the-last-subscriber-leaves",
						"record-and-event-provider-that-disconnects-is-replaced",
						"record-provider-that-unlistens-is-replaced", "invalid-listen-pattern-is-refused",
						"list-entries-reach-another-client", "list-snapshot-is-the-array",
						"notify-is-acknowledged-and-subscribers-stay-consistent", "record-deletion-reaches-other-subscribers",
						"no-unexpected-client-errors");
			assertThat(run.exitStatus()).as(run::describe).isZero();
		}
		catch (AssertionError failure) {
			throw new AssertionError(failure.getMessage() + System.lineSeparator() + "----- last 60 lines of "
					+ serverLog + " -----" + System.lineSeparator() + ServerProcess.Logs.tail(serverLog, 60), failure);
		}
	}

	/** {@link NodeInterop#run} runs the other scenario, so this one is started here, the same way. */
	private static NodeInterop.Run runScenario(List<String> arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("node", "listening.js"));
		command.addAll(arguments);
		Path stdout = LOGS.resolve("listening.out");
		Path stderr = LOGS.resolve("listening.err");
		Process process = new ProcessBuilder(command).directory(INTEROP_DIR.toFile())
			.redirectOutput(stdout.toFile())
			.redirectError(stderr.toFile())
			.start();
		if (!process.waitFor(SCENARIO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			throw new AssertionError("listening.js did not finish within " + SCENARIO_TIMEOUT + ":"
					+ System.lineSeparator() + String.join(System.lineSeparator(), Files.readAllLines(stdout)));
		}
		List<NodeInterop.Check> checks = new ArrayList<>();
		for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
			if (!line.isBlank()) {
				checks.add(NodeInterop.Check.parse(line));
			}
		}
		return new NodeInterop.Run("listening", process.exitValue(), List.copyOf(checks),
				ServerProcess.Logs.tail(stderr, 40));
	}

}
