package io.sluice.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Records that expire, seen by the real {@code @deepstream/client} ({@code clients/node-interop/expiry.js}) against a
 * Sluice server in a child JVM on the embedded defaults (file journal, H2 store), with a TTL rule on
 * {@code <prefix>/session/.*}: two subscribers of a record no one reads get the deletion notice within 2 s of its
 * deadline, and a later read is not found; the same for a record written over REST with {@code ?ttl=1s}. Then a
 * record is written under the rule and the server killed (SIGKILL) at once; started again after the deadline, the
 * record is not found, one without a TTL still is, and opening it again goes on above the expiry's tombstone. Skipped,
 * loudly, when Node.js 18+ and npm are not on the PATH.
 */
class RecordExpiryInteropIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(100);

	private static final Duration RULE_TTL = Duration.ofSeconds(2);

	/** The documented bound on the embedded defaults, and a little for the notice to cross the socket. */
	private static final long MOST_LATE_MS = 2_000 + 250;

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("expiry-interop");

	@Test
	void subscribersGetTheDeletionNoticeAtExpiryAndExpiryHoldsAcrossARestart(@TempDir Path dataDir) throws Exception {
		String prefix = "ttl-" + Long.toString(System.nanoTime(), 36);
		int port = ServerProcess.freePort();
		List<String> serverArgs = List.of("--sluice.data-dir=" + dataDir.toAbsolutePath(),
				"--sluice.records.ttl[" + prefix + "/session/.*]=" + RULE_TTL.toMillis() + "ms");
		String http = "http://localhost:" + port;
		try {
			ServerProcess first = interop.start(port, "server-live.log", STARTUP_TIMEOUT, serverArgs);
			NodeInterop.Run live = run("live", first, http, prefix);
			assertAllPassed(live, "write-under-a-rule", "subscribers-get-the-deletion-notice-at-expiry",
					"a-later-read-is-not-found", "rest-write-with-a-ttl", "rest-ttl-expires-with-the-deletion-notice",
					"rest-ttl-record-is-not-found");
			assertThat(lateMs(live, "subscribers-get-the-deletion-notice-at-expiry")).as(live::describe)
				.isLessThanOrEqualTo(MOST_LATE_MS);
			assertThat(lateMs(live, "rest-ttl-expires-with-the-deletion-notice")).as(live::describe)
				.isLessThanOrEqualTo(MOST_LATE_MS);

			NodeInterop.Run beforeKill = run("before-kill", first, http, prefix);
			assertAllPassed(beforeKill, "write-under-a-rule-before-the-kill");
			first.kill();
			// Down past the deadline: nothing ran to delete the record meanwhile.
			long deadline = beforeKill.check("write-under-a-rule-before-the-kill").orElseThrow().detail()
				.path("writtenAt").asLong() + RULE_TTL.toMillis();
			await("the deadline of the record written before the kill").atMost(RULE_TTL.multipliedBy(2))
				.until(() -> System.currentTimeMillis() > deadline);

			ServerProcess second = interop.start(port, "server-after-restart.log", STARTUP_TIMEOUT, serverArgs);
			assertAllPassed(run("after-restart", second, http, prefix), "expired-while-down-is-not-found",
					"record-without-ttl-survives", "reopened-goes-on-above-the-tombstone");
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	private static NodeInterop.Run run(String phase, ServerProcess server, String http, String prefix)
			throws Exception {
		return interop.node()
			.run("expiry.js", phase, List.of(http, server.webSocketUrl(), phase, prefix,
					Long.toString(RULE_TTL.toMillis())), Map.of(), SCENARIO_TIMEOUT);
	}

	private static long lateMs(NodeInterop.Run run, String check) {
		return run.check(check).orElseThrow().detail().path("lateMs").asLong();
	}

	private static void assertAllPassed(NodeInterop.Run run, String... expectedChecks) {
		assertThat(run.failed()).as(run::describe).isEmpty();
		assertThat(run.checks()).as(run::describe).extracting(NodeInterop.Check::name).contains(expectedChecks);
		assertThat(run.exitStatus()).as(run::describe).isZero();
	}

}
