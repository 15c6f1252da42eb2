package io.sluice.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery on subscribe over the JSON endpoint, with a Java WebSocket client sending the deepstream JSON messages by
 * hand: a subscriber leaves, events are published, and a new connection subscribing with the last epoch and offset
 * it had receives exactly what it missed, in order, then live events; a position older than what the stream keeps
 * is answered {@code recovered: false} with nothing resent.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sluice.history.streams[0].pattern=json-recovery/chat/.*",
				"sluice.history.streams[1].pattern=json-recovery/small/.*",
				"sluice.history.streams[1].max-entries=2" })
class HistoryRecoveryJsonIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void aReconnectingSubscriberGetsExactlyWhatItMissedInOrderThenLiveEvents() throws Exception {
		String room = "json-recovery/chat/room";
		String epoch;
		long lastOffset;
		try (JsonClient first = JsonClient.loggedIn(this.port, "json-first")) {
			first.send("{\"topic\":4,\"action\":3,\"names\":[\"" + room + "\"],\"correlationId\":\"s1\"}");
			assertThat(first.next().get("isAck").asBoolean()).isTrue();
			publish(room, 1, 3);
			List<JsonNode> live = List.of(first.next(), first.next(), first.next());
			assertThat(live).extracting((event) -> event.get("offset").asLong()).containsExactly(1L, 2L, 3L);
			epoch = live.get(2).get("epoch").asString();
			lastOffset = live.get(2).get("offset").asLong();
		}

		publish(room, 4, 8);

		try (JsonClient again = JsonClient.loggedIn(this.port, "json-again")) {
			again.send("{\"topic\":4,\"action\":3,\"names\":[\"" + room + "\"],\"correlationId\":\"s2\",\"epoch\":\""
					+ epoch + "\",\"offset\":" + lastOffset + "}");
			JsonNode ack = again.next();
			assertThat(ack.get("action").asInt()).isEqualTo(EventAction.SUBSCRIBE);
			assertThat(ack.get("correlationId").asString()).isEqualTo("s2");
			assertThat(ack.get("isAck").asBoolean()).isTrue();
			assertThat(ack.get("recovered").asBoolean()).isTrue();
			assertThat(ack.get("offset").asLong()).isEqualTo(8);
			for (int n = 4; n <= 8; n++) {
				JsonNode event = again.next();
				assertThat(event.get("offset").asLong()).isEqualTo(n);
				assertThat(event.get("epoch").asString()).isEqualTo(epoch);
				assertThat(event.get("data").asString()).isEqualTo("{\"n\":" + n + "}");
			}
			publish(room, 9, 9);
			JsonNode live = again.next();
			assertThat(live.get("offset").asLong()).isEqualTo(9);
			again.assertNothingElseReceived();
		}
	}

	@Test
	void aPositionOlderThanTheStreamKeepsIsNotRecoveredAndNothingIsResent() throws Exception {
		String room = "json-recovery/small/room";
		publish(room, 1, 5);
		try (JsonClient client = JsonClient.loggedIn(this.port, "json-late")) {
			client.send("{\"topic\":4,\"action\":3,\"names\":[\"" + room + "\"],\"correlationId\":\"s\",\"epoch\":\""
					+ epochOf(room) + "\",\"offset\":1}");
			JsonNode ack = client.next();
			assertThat(ack.get("isAck").asBoolean()).isTrue();
			assertThat(ack.get("recovered").asBoolean()).isFalse();
			assertThat(ack.get("offset").asLong()).as("where the stream stands").isEqualTo(5);
			publish(room, 6, 6);
			assertThat(client.next().get("offset").asLong()).as("live, nothing resent before it").isEqualTo(6);
		}
	}

	private String epochOf(String name) throws Exception {
		HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(
				URI.create("http://localhost:" + this.port + "/api/v1/events/" + name + "/history?last=1")).build(),
				HttpResponse.BodyHandlers.ofString());
		return JSON.readTree(page.body()).get("epoch").asString();
	}

	/** Publishes {@code {"n": first}} to {@code {"n": last}} over HTTP, each answered once published. */
	private void publish(String name, int first, int last) throws Exception {
		for (int n = first; n <= last; n++) {
			HttpResponse<String> answer = HTTP.send(HttpRequest
				.newBuilder(URI.create("http://localhost:" + this.port + "/api/v1/events/" + name))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(answer.statusCode()).as(answer.body()).isBetween(200, 299);
		}
	}

	/** A client of the JSON endpoint: one deepstream message per text frame. */
	private static final class JsonClient implements WebSocket.Listener, AutoCloseable {

		private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

		private final StringBuilder partial = new StringBuilder();

		private WebSocket socket;

		static JsonClient loggedIn(int port, String username) throws Exception {
			JsonClient client = new JsonClient();
			client.socket = HTTP.newWebSocketBuilder()
				.buildAsync(URI.create("ws://localhost:" + port + "/deepstream-json"), client)
				.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			client.send("{\"topic\":2,\"action\":5,\"url\":\"ws://test\"}");
			assertThat(client.next().get("action").asInt()).as("accepted").isEqualTo(4);
			client.send("{\"topic\":3,\"action\":2,\"data\":\"{\\\"username\\\":\\\"" + username + "\\\"}\"}");
			JsonNode login = client.next();
			assertThat(login.get("topic").asInt()).isEqualTo(Topic.AUTH);
			assertThat(login.get("action").asInt()).as("logged in").isEqualTo(3);
			return client;
		}

		void send(String json) throws Exception {
			this.socket.sendText(json, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}

		JsonNode next() throws InterruptedException {
			JsonNode message = this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(message).as("a message within %s", TIMEOUT).isNotNull();
			return message;
		}

		/** Nothing arrived before the answer to a ping: one connection's messages are answered in order. */
		void assertNothingElseReceived() throws Exception {
			send("{\"topic\":2,\"action\":2}");
			JsonNode pong = next();
			assertThat(pong.get("topic").asInt()).as("instead of a pong: %s", pong).isEqualTo(Topic.CONNECTION);
			assertThat(pong.get("action").asInt()).as("instead of a pong: %s", pong).isEqualTo(3);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				this.received.add(JSON.readTree(this.partial.toString()));
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public void close() {
			this.socket.abort();
		}

	}

}
