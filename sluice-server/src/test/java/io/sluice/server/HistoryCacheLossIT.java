package io.sluice.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;


import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Event history survives losing the cache: on the {@code redis} profile the history is hot in Redis Streams and cold
 * in the H2 store, written by the storage worker from the file queue. A real redis-server is stopped and started
 * again empty (no persistence); the history is still read whole over {@code GET /api/v1/events/{name}/history}, under
 * the same epoch, and the next event continues the offsets.
 */
class HistoryCacheLossIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final int EVENTS = 30;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	private ServerOnEmbeddedRedis server;

	@AfterEach
	void close() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void historyIsReadFromTheStoreUnderTheSameEpochAfterRedisRestartsEmpty(@TempDir Path dataDir) throws Exception {
		ServerOnEmbeddedRedis server = new ServerOnEmbeddedRedis(dataDir, "--sluice.history.streams[0].pattern=chat/.*");
		this.server = server;
		int port = server.port();
		String name = "chat/lobby";

		for (int i = 1; i <= EVENTS; i++) {
			assertThat(publish(port, name, "{\"n\":" + i + "}")).isEqualTo(204);
		}
		JsonNode before = history(port, name, "from=1");
		String epoch = before.get("epoch").asString();
		assertThat(offsets(before)).containsExactlyElementsOf(range(1, EVENTS));
		assertThat(before.get("complete").asBoolean()).isTrue();

		server.stopRedis();
		server.startRedis();

		// Once the client has reconnected to the empty Redis: the whole history, from the store, same epoch.
		JsonNode after = await("the history once Redis is back").atMost(TIMEOUT)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(200))
			.ignoreExceptions()
			.until(() -> history(port, name, "from=1"), (page) -> page != null);
		assertThat(after.get("epoch").asString()).as("the epoch after Redis restarted empty").isEqualTo(epoch);
		assertThat(offsets(after)).containsExactlyElementsOf(range(1, EVENTS));
		assertThat(after.get("complete").asBoolean()).isTrue();
		assertThat(after.get("entries").get(EVENTS - 1).get("data").get("n").asInt()).isEqualTo(EVENTS);

		assertThat(publish(port, name, "{\"n\":\"next\"}")).isEqualTo(204);
		JsonNode next = history(port, name, "from=" + (EVENTS - 1));
		assertThat(next.get("epoch").asString()).isEqualTo(epoch);
		assertThat(offsets(next)).containsExactly((long) EVENTS - 1, (long) EVENTS, (long) EVENTS + 1);
		assertThat(next.get("entries").get(2).get("data").get("n").asString()).isEqualTo("next");
		assertThat(next.get("complete").asBoolean()).isTrue();
		JsonNode last = history(port, name, "last=5");
		assertThat(offsets(last)).containsExactlyElementsOf(range(EVENTS - 3, EVENTS + 1));
		assertThat(last.get("complete").asBoolean()).isTrue();
	}

	private int publish(int port, String name, String json) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events/" + name))
			.header("Content-Type", "application/json")
			.timeout(TIMEOUT)
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
	}

	/** The history page, or {@code null} when the read did not succeed. */
	private JsonNode history(int port, String name, String query) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events/" + name + "/history?" + query))
			.timeout(TIMEOUT)
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		return (response.statusCode() == 200) ? JSON.readTree(response.body()) : null;
	}

	private static List<Long> offsets(JsonNode page) {
		List<Long> offsets = new ArrayList<>();
		page.get("entries").forEach((entry) -> offsets.add(entry.get("offset").asLong()));
		return offsets;
	}

	private static List<Long> range(long first, long last) {
		return LongStream.rangeClosed(first, last).boxed().toList();
	}

}
