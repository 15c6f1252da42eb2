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
 * Subscribers that read slower than a burst arrives, with the real {@code @deepstream/client} against a Sluice server
 * in a child JVM on its default outbound settings ({@code clients/node-interop/slow-reader.js}): one publisher emits
 * 50,000 small events as fast as it can to ten subscribers in one Node process; each receives all of them, in order,
 * and none is taken for a client that stopped reading.
 * Skipped, loudly, when Node.js 18+ and npm are not on the PATH.
 */
class SlowReaderInteropIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(150);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("slow-reader-interop");

	@Test
	void tenSubscribersInOneProcessReceiveABurstOf50000EventsInFullAndStayConnected(@TempDir Path dataDir)
			throws Exception {
		String prefix = "slow-" + UUID.randomUUID().toString().substring(0, 8);
		ServerProcess server = interop.start(ServerProcess.freePort(), "server.log", STARTUP_TIMEOUT,
				List.of("--sluice.data-dir=" + dataDir.toAbsolutePath()));
		try {
			NodeInterop.Run run = interop.node().run("slow-reader.js", "slow-reader",
					List.of(server.webSocketUrl(), prefix),
					Map.of("INTEROP_BURST", "50000", "INTEROP_SUBSCRIBERS", "10", "INTEROP_DELIVERY_TIMEOUT_MS", "90000"),
					SCENARIO_TIMEOUT);
			assertThat(run.failed()).as(run::describe).isEmpty();
			assertThat(run.checks()).as(run::describe)
				.extracting(NodeInterop.Check::name)
				.contains("every-subscription-is-in-place", "publisher-emits-the-burst",
						"every-subscriber-receives-the-whole-burst-in-order", "no-client-was-disconnected",
						"no-unexpected-client-errors");
			assertThat(run.exitStatus()).as(run::describe).isZero();
			assertThat(ServerProcess.Logs.tail(interop.log("server.log"), 2000)).as("the server's log")
				.doesNotContain("is not reading; disconnecting it");
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

}
