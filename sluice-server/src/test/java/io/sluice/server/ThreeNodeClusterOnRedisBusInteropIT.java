package io.sluice.server;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ThreeNodeClusterInterop}'s scenarios with Redis as the message bus (its pub/sub), on the same redis-server as
 * the cache; and chaos under load ({@code clients/node-interop/cluster-chaos.js}) on the same three servers.
 */
class ThreeNodeClusterOnRedisBusInteropIT extends ThreeNodeClusterInterop {

	private static final int CHAOS_CLIENTS = 6;

	private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(200);

	private static final JsonMapper json = JsonMapper.builder().build();

	@Override
	List<String> startBus() {
		return List.of();
	}

	@Override
	void stopBus() {
	}

	@Override
	String busName() {
		return "redis-bus";
	}

	/**
	 * Clients behind a round-robin proxy (one address, as a Kubernetes Service gives them: the deepstream client
	 * reconnects to the one URL it was given) write records with write acknowledgement and call RPCs through all three
	 * servers; node 1 is killed with SIGKILL and started again, then node 2. The clients of each dead node must be
	 * working again on another with everything back, every acknowledged write must reach the store at its version (a
	 * killed node's journal is drained when it starts again), no version may go backwards, and no call may wait past
	 * its timeout. The control client sits on node 3, which stays up.
	 */
	@Test
	@Order(1)
	void clientsOfKilledNodesGetEverythingBackOnAnotherAndNoAcknowledgedWriteIsLost() throws Exception {
		String prefix = "cluster-" + this.run + "-chaos";
		try {
			this.nodes.startStopped();
			try (RoundRobinProxy proxy = RoundRobinProxy
				.start(List.of(this.nodes.port(1), this.nodes.port(2), this.nodes.port(3)));
					RunningScript chaos = RunningScript.start(interop, "cluster-chaos.js", "redis-bus-chaos",
							List.of("ws://127.0.0.1:" + proxy.port() + "/deepstream", this.nodes.webSocketUrls().get(2),
									prefix, Integer.toString(CHAOS_CLIENTS),
									Long.toString(RPC_ACCEPT_TIMEOUT.plus(RPC_RESPONSE_TIMEOUT).toMillis())))) {
				assertPassed(chaos.awaitCheck("load-running", Duration.ofSeconds(60)), chaos);
				for (int node = 1; node <= 2; node++) {
					this.nodes.kill(node);
					chaos.tell("killed " + node);
					assertPassed(chaos.awaitCheck("recovered-after-killing-node-" + node, RECOVERY_TIMEOUT), chaos);
					this.nodes.start(node);
				}
				chaos.tell("stop");
				NodeInterop.Run run = chaos.awaitExit(Duration.ofSeconds(60));
				RunningScript.assertPassed(run, "no-call-waited-past-its-timeout", "no-version-went-backwards",
						"acknowledged-versions-are-served", "counts");
				JsonNode counts = run.check("counts").orElseThrow().detail();
				System.out.println("Chaos on three nodes, " + CHAOS_CLIENTS + " clients behind a round-robin proxy ("
						+ proxy.connections() + " connections made through it): "
						+ counts.path("acknowledgedWrites").asLong() + " writes acknowledged, "
						+ counts.path("writesNotAcknowledged").asLong() + " not, "
						+ counts.path("reconnects").asLong() + " reconnects ("
						+ counts.path("clientsThatReconnected").asLong() + " clients), "
						+ counts.path("callsAnswered").asLong() + " calls answered, "
						+ counts.path("callsFailedFast").asLong() + " failed fast, "
						+ counts.path("callsFailedAtTheirTimeout").asLong() + " at their timeout, slowest "
						+ counts.path("slowestCallMs").asLong() + " ms, errors " + counts.path("callErrors") + ", "
						+ counts.path("recordsReopened").asLong() + " records opened again after a lost write");
				assertThat(counts.path("clientsThatReconnected").asInt()).as("clients that lost their node")
					.isPositive();
				assertThat(counts.path("callsFailedAtTheirTimeout").asInt()).as("calls that waited for their timeout")
					.isZero();
				assertStored(counts.path("acknowledged"));
			}
		}
		catch (AssertionError | Exception failure) {
			throw this.nodes.withOutput(failure);
		}
	}

	private static void assertPassed(NodeInterop.Check check, RunningScript script) {
		assertThat(check.ok()).as("%s: %s", check.name(), check.line()).isTrue();
	}

	/**
	 * Every record in the store at its last acknowledged version with that write's data, or later (a write whose
	 * acknowledgement was lost with its node may have been applied).
	 */
	private void assertStored(JsonNode acknowledged) throws Exception {
		assertThat(acknowledged.size()).as("records written").isEqualTo(CHAOS_CLIENTS * 3);
		List<String> wrong = new ArrayList<>();
		await("every acknowledged write in the store").atMost(Duration.ofSeconds(60))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> {
				wrong.clear();
				for (Map.Entry<String, JsonNode> record : acknowledged.properties()) {
					long version = record.getValue().path("version").asLong();
					long seq = record.getValue().path("seq").asLong();
					Stored stored = stored(record.getKey());
					if (stored == null || stored.version() < version
							|| (stored.version() == version && stored.seq() != seq)) {
						wrong.add(record.getKey() + ": acknowledged version " + version + " (seq " + seq
								+ "), stored " + stored);
					}
				}
				assertThat(wrong).as("records not in the store at their acknowledged version").isEmpty();
			});
	}

	private Stored stored(String name) throws Exception {
		try (Connection connection = store().getConnection();
				PreparedStatement select = connection
					.prepareStatement("SELECT version, data FROM sluice_record WHERE name = ?")) {
			select.setString(1, name);
			try (ResultSet row = select.executeQuery()) {
				if (!row.next()) {
					return null;
				}
				JsonNode data = json.readTree(new String(row.getBytes(2), StandardCharsets.UTF_8));
				return new Stored(row.getLong(1), data.path("seq").asLong());
			}
		}
	}

	private record Stored(long version, long seq) {
	}

}
