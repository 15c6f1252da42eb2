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
 * Event history with the real {@code @deepstream/client} ({@code clients/node-interop/history.js}) against a Sluice
 * server in a child JVM that keeps the history of {@code <prefix>/chat/.*}: events one client publishes are read
 * back by another through the built-in {@code sluice/history} RPC, made as any RPC is, and through
 * {@code GET /api/v1/events/{name}/history}; a bad query is refused with a reason; a read beyond the retention says it
 * is incomplete. Skipped, loudly, when Node.js 18+ and npm are not on the PATH.
 */
class HistoryInteropIT {

	private static final int MAX_ENTRIES = 50;

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("history-interop");

	@Test
	void realClientsReadHistoryThroughTheBuiltInRpcAndRest(@TempDir Path dataDir) throws Exception {
		String prefix = "history-" + UUID.randomUUID().toString().substring(0, 8);
		ServerProcess server = interop.start(ServerProcess.freePort(), "server.log", Duration.ofSeconds(120),
				List.of("--sluice.data-dir=" + dataDir.toAbsolutePath(),
						"--sluice.history.streams[0].pattern=" + prefix + "/chat/.*",
						"--sluice.history.streams[0].max-entries=" + MAX_ENTRIES));
		try {
			NodeInterop.Run run = interop.node().run("history.js", "history", List.of(server.webSocketUrl(), prefix),
					Map.of("INTEROP_HISTORY_MAX_ENTRIES", Integer.toString(MAX_ENTRIES)), Duration.ofSeconds(90));
			assertThat(run.failed()).as(run::describe).isEmpty();
			assertThat(run.checks()).as(run::describe)
				.extracting(NodeInterop.Check::name)
				.containsExactly("history-rpc-last", "history-rpc-from-to-and-since", "history-rpc-refuses-a-bad-query",
						"history-rest-reads-the-same", "history-beyond-the-retention-is-incomplete",
						"no-unexpected-client-errors");
			assertThat(run.exitStatus()).as(run::describe).isZero();
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

}
