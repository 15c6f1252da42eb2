package io.sluice.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code @deepstream/client} listening for records and events against a Sluice server in a child JVM
 * ({@code clients/node-interop/listening.js}): accept, reject and no answer moving on to the next listener, removal
 * after the last subscriber, a provider replaced when it disconnects or stops listening; overlapping patterns asked in
 * turn, and new connections of the same users, listening on the same patterns moments after the last ones closed,
 * offered the name at once rather than after the rematch interval; then lists, notify and a deletion seen by another
 * subscriber.
 * Skipped, loudly, when Node.js 18+ and npm are not on the PATH.
 */
class ListeningInteropIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(90);

	/** Short, so that the scenario's timeout check is quick, and long enough to tell waiting from not waiting. */
	private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(400);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("listening-interop");

	@Test
	void realClientsListenRejectTimeOutAndTakeOverAndUseListsAndNotify(@TempDir Path dataDir) throws Exception {
		String prefix = "listen-" + UUID.randomUUID().toString().substring(0, 8);
		// Listeners asked in the order they listened, so that the scenario can tell who was asked first.
		ServerProcess server = interop.start(ServerProcess.freePort(), "server.log", STARTUP_TIMEOUT,
				List.of("--sluice.data-dir=" + dataDir.toAbsolutePath(), "--sluice.listen.shuffle-listeners=false",
						"--sluice.listen.response-timeout=" + RESPONSE_TIMEOUT.toMillis() + "ms"));
		try {
			NodeInterop.Run run = interop.node().run("listening.js", "listening", List.of(server.webSocketUrl(), prefix),
					Map.of(), SCENARIO_TIMEOUT);
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
						"event-overlapping-patterns-earlier-rejects-then-a-later-accept",
						"event-next-connections-offered-at-once-and-an-unlisten-hands-over-at-once",
						"event-next-connection-of-a-user-that-rejected-is-offered-at-once",
						"record-overlapping-patterns-earlier-rejects-then-a-later-accept",
						"record-next-connections-offered-at-once-and-an-unlisten-hands-over-at-once",
						"record-next-connection-of-a-user-that-rejected-is-offered-at-once",
						"list-entries-reach-another-client", "list-snapshot-is-the-array",
						"notify-is-acknowledged-and-subscribers-stay-consistent", "record-deletion-reaches-other-subscribers",
						"no-unexpected-client-errors");
			assertThat(run.exitStatus()).as(run::describe).isZero();
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

}
