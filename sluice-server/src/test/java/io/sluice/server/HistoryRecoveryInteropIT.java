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
 * Recovery after a reconnect with the real {@code @deepstream/client} and the helper of
 * {@code clients/history-recovery} ({@code clients/node-interop/history-recovery.js}): a subscriber's connection is
 * cut, 100 events are published, and once the client has reconnected by itself it receives exactly those 100 in
 * order, then live ones; with more missed than the name keeps it is told {@code recovered: false}. Skipped, loudly,
 * when Node.js 18+ and npm are not on the PATH.
 */
class HistoryRecoveryInteropIT {

	private static final int SMALL_ENTRIES = 10;

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("history-recovery-interop");

	@Test
	void reconnectingSubscriberReceivesExactlyWhatItMissedThenLiveEvents(@TempDir Path dataDir) throws Exception {
		String prefix = "recovery-" + UUID.randomUUID().toString().substring(0, 8);
		ServerProcess server = interop.start(ServerProcess.freePort(), "server.log", Duration.ofSeconds(120),
				List.of("--sluice.data-dir=" + dataDir.toAbsolutePath(),
						"--sluice.history.streams[0].pattern=" + prefix + "/chat/.*",
						"--sluice.history.streams[0].max-entries=1000",
						"--sluice.history.streams[1].pattern=" + prefix + "/small/.*",
						"--sluice.history.streams[1].max-entries=" + SMALL_ENTRIES));
		try {
			NodeInterop.Run run = interop.node().run("history-recovery.js", "history-recovery",
					List.of(server.webSocketUrl(), prefix),
					Map.of("INTEROP_RECOVERY_SMALL_ENTRIES", Integer.toString(SMALL_ENTRIES)), Duration.ofSeconds(90));
			assertThat(run.failed()).as(run::describe).isEmpty();
			assertThat(run.checks()).as(run::describe)
				.extracting(NodeInterop.Check::name)
				.containsExactly("live-events-carry-offsets", "reconnect-recovers-exactly-the-missed-events-in-order",
						"live-events-follow-the-recovered-ones", "a-gap-beyond-the-retention-is-not-recovered",
						"no-unexpected-client-errors");
			assertThat(run.exitStatus()).as(run::describe).isZero();
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

}
