package io.sluice.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metrics of a Sluice server in a child JVM under a little load, read from {@code /actuator/prometheus}: the real
 * {@code @deepstream/client} ({@code clients/node-interop/metrics-load.js}) writes records, emits events, calls
 * RPCs, listens, is denied and is refused; a raw WebSocket sends a message over the size limit and another floods;
 * a REST write with a stale version conflicts. Every metric family of {@code docs/observability.md} is in the
 * scrape, non-zero where the load ran; and every metric the Grafana dashboard ({@code ops/grafana/sluice.json})
 * queries is one the server exposes. Skipped, loudly, when Node.js 18+ and npm are not on the PATH.
 */
class MetricsInteropIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(30);

	private static final int MAX_MESSAGES_PER_SECOND = 1000;

	/** Everything allowed but publishing events under {@code <prefix>/denied/}. */
	private static final String PERMISSIONS = """
			record: {"*": {create: true, write: true, read: true, delete: true, listen: true, notify: true}}
			event: {"*": {publish: true, subscribe: true, listen: true}, "*/denied/*": {publish: false}}
			rpc: {"*": {provide: true, request: true}}
			presence: {"*": {allow: true}}
			""";

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("metrics-interop");

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void everyMetricFamilyCountsTheLoadAndTheDashboardQueriesOnlyWhatTheServerExposes(@TempDir Path dataDir,
			@TempDir Path config) throws Exception {
		String prefix = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
		Path permissions = config.resolve("permissions.yml");
		Files.writeString(permissions, PERMISSIONS);
		try {
			ServerProcess server = interop.start(ServerProcess.freePort(), "server.log", STARTUP_TIMEOUT,
					List.of("--sluice.data-dir=" + dataDir.toAbsolutePath(), "--sluice.permission.type=config",
							"--sluice.permission.file=" + permissions.toAbsolutePath(),
							"--sluice.gateway.max-message-size=64KB",
							"--sluice.gateway.max-messages-per-second=" + MAX_MESSAGES_PER_SECOND));
			URI base = URI.create(server.webSocketUrl().replace("ws://", "http://")).resolve("/");
			NodeInterop.Run run = interop.node().run("metrics-load.js", "metrics-load",
					List.of(server.webSocketUrl(), prefix), Map.of(), SCENARIO_TIMEOUT);
			RunningScript.assertPassed(run, "records-set-patched-and-deleted", "events-reach-a-subscriber",
					"rpcs-are-answered", "a-listener-is-offered-a-matching-name",
					"a-denied-publication-is-answered-message-denied", "a-name-beyond-the-limit-is-refused");
			assertThat(closeCodeAfterSending(server, ByteBuffer.allocate(65 * 1024), 1)).isEqualTo(1009);
			assertThat(closeCodeAfterSending(server, ByteBuffer.wrap(new byte[] { 0 }), 3 * MAX_MESSAGES_PER_SECOND))
				.isEqualTo(1008);
			assertThat(staleWrite(base, prefix + "/rest/conflicted")).isEqualTo(412);

			await("every metric family counted the load").atMost(SCRAPE_TIMEOUT).untilAsserted(() -> {
				PrometheusScrape scrape = scrape(base);
				assertCounted(scrape);
			});
			PrometheusScrape scrape = scrape(base);
			assertThat(GrafanaDashboard.load().metricNames()).as("metrics the dashboard queries")
				.isNotEmpty()
				.isSubsetOf(scrape.names());
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	private static void assertCounted(PrometheusScrape scrape) {
		Map<String, Double> totals = scrape.totals();
		assertThat(scrape.names()).as("families in %s", totals)
			.contains("sluice_gateway_connections_open", "sluice_gateway_outbound_queue_max_bytes",
					"sluice_gateway_slow_consumer_disconnects_total", "sluice_record_cas_retries_total",
					"sluice_worker_lag_writes", "sluice_worker_oldest_unstored_age_seconds",
					"sluice_worker_breaker_state", "sluice_queue_backlog_bytes",
					"sluice_record_write_acknowledgement_seconds_bucket");
		// gateway
		assertPositive(scrape, "sluice_gateway_connections_opened_total");
		assertPositive(scrape, "sluice_gateway_connections_closed_total", "reason=\"message_too_big\"");
		assertPositive(scrape, "sluice_gateway_connections_closed_total", "reason=\"policy_violation\"");
		assertPositive(scrape, "sluice_gateway_logins_total", "strategy=\"open\"", "result=\"accepted\"");
		assertPositive(scrape, "sluice_gateway_messages_in_total", "topic=\"record\"");
		assertPositive(scrape, "sluice_gateway_messages_in_total", "topic=\"event\"", "action=\"emit\"");
		assertPositive(scrape, "sluice_gateway_messages_out_total", "topic=\"record\"");
		assertPositive(scrape, "sluice_gateway_messages_out_total", "topic=\"event\"", "action=\"emit\"");
		assertPositive(scrape, "sluice_gateway_fanouts_total", "topic=\"event\"");
		assertPositive(scrape, "sluice_gateway_fanout_deliveries_total", "topic=\"event\"");
		assertPositive(scrape, "sluice_gateway_refusals_total", "limit=\"message_size\"");
		assertPositive(scrape, "sluice_gateway_refusals_total", "limit=\"message_rate\"");
		assertPositive(scrape, "sluice_gateway_refusals_total", "limit=\"name\"");
		assertPositive(scrape, "sluice_gateway_permission_denials_total", "topic=\"event\"");
		assertPositive(scrape, "sluice_gateway_rpc_calls_seconds_count", "outcome=\"response\"");
		assertPositive(scrape, "sluice_gateway_rpc_calls_seconds_sum", "outcome=\"response\"");
		assertPositive(scrape, "sluice_gateway_listen_matches_total");
		// record service
		assertPositive(scrape, "sluice_record_writes_total", "operation=\"set\"", "outcome=\"ok\"");
		assertPositive(scrape, "sluice_record_writes_total", "operation=\"patch\"", "outcome=\"ok\"");
		assertPositive(scrape, "sluice_record_writes_total", "operation=\"delete\"", "outcome=\"ok\"");
		assertPositive(scrape, "sluice_record_writes_total", "operation=\"set\"", "outcome=\"conflict\"");
		assertPositive(scrape, "sluice_record_write_acknowledgement_seconds_bucket", "operation=\"set\"",
				"le=\"+Inf\"");
		assertPositive(scrape, "sluice_record_write_acknowledgement_seconds_sum", "operation=\"patch\"");
		assertPositive(scrape, "sluice_record_cache_reads_total", "result=\"hit\"");
		assertPositive(scrape, "sluice_record_cache_reads_total", "result=\"miss\"");
		assertPositive(scrape, "sluice_record_drain_waits_seconds_count");
		// storage queue and worker
		assertPositive(scrape, "sluice_worker_batch_size_writes_count");
		assertPositive(scrape, "sluice_worker_records_written_writes_total");
		assertPositive(scrape, "sluice_worker_breaker_state", "state=\"closed\"");
		assertPositive(scrape, "sluice_queue_journal_size_bytes");
		assertPositive(scrape, "sluice_queue_journal_segments");
	}

	private static void assertPositive(PrometheusScrape scrape, String name, String... labels) {
		assertThat(scrape.sum(name, labels)).as("%s%s in %s", name, List.of(labels), scrape.samples(name))
			.isPositive();
	}

	private PrometheusScrape scrape(URI base) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(base.resolve("/actuator/prometheus"))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response::body).isEqualTo(200);
		return PrometheusScrape.parse(response.body());
	}

	/** Writes a record twice through REST, then once more naming the first version: the status of that write. */
	private int staleWrite(URI base, String name) throws Exception {
		URI record = base.resolve("/api/v1/records/" + name);
		for (int write = 0; write < 2; write++) {
			HttpResponse<String> written = this.http.send(HttpRequest.newBuilder(record)
				.header("Content-Type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofString("{\"write\": " + write + "}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(written.statusCode()).as(written::body).isBetween(200, 299);
		}
		return this.http.send(HttpRequest.newBuilder(record)
			.header("Content-Type", "application/json")
			.header("If-Match", "\"1\"")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"write\": \"stale\"}"))
			.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	/** Opens a WebSocket, sends {@code frame} {@code times} as binary messages, and returns the server's close code. */
	/**
	 * The code the server closes a connection with after {@code frame} was sent {@code times} times (fewer once it
	 * closed). The JDK's client sometimes reads the end of the stream before the close frame the server sent just
	 * before it, and reports "closed input" without the code: then the attempt is made again on a new connection.
	 */
	private int closeCodeAfterSending(ServerProcess server, ByteBuffer frame, int times) throws Exception {
		for (int attempt = 1;; attempt++) {
			try {
				return closeCodeOnce(server, frame, times);
			}
			catch (java.util.concurrent.ExecutionException ex) {
				if (attempt == 3 || !(ex.getCause() instanceof java.io.IOException)) {
					throw ex;
				}
			}
		}
	}

	private int closeCodeOnce(ServerProcess server, ByteBuffer frame, int times) throws Exception {
		CompletableFuture<Integer> closed = new CompletableFuture<>();
		WebSocket socket = this.http.newWebSocketBuilder()
			.buildAsync(URI.create(server.webSocketUrl()), new WebSocket.Listener() {

				@Override
				public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
					closed.complete(statusCode);
					return null;
				}

				@Override
				public void onError(WebSocket webSocket, Throwable error) {
					closed.completeExceptionally(error);
				}

			})
			.get(10, TimeUnit.SECONDS);
		try {
			for (int sent = 0; sent < times && !closed.isDone(); sent++) {
				socket.sendBinary(frame.duplicate(), true).get(10, TimeUnit.SECONDS);
			}
		}
		catch (java.util.concurrent.ExecutionException ex) {
			// The server closed the connection while a message was being sent: its close code is what is asked.
		}
		return closed.get(10, TimeUnit.SECONDS);
	}

}
