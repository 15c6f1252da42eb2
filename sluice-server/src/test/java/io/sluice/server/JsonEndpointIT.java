package io.sluice.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.ParserAction;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core record and event scenarios over the JSON endpoint ({@code /deepstream-json}), with the JDK's WebSocket
 * client sending text frames shaped as the deepstream client's {@code jsonTransportMode} sends them, against a
 * Sluice server in a child JVM.
 */
class JsonEndpointIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Path MODULE_DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	static Path dataDir;

	private static ServerProcess server;

	private final String prefix = "json-" + UUID.randomUUID().toString().substring(0, 8);

	@BeforeAll
	static void startServer() throws Exception {
		server = ServerProcess.start(ServerProcess.freePort(), MODULE_DIR.resolve("target/json-endpoint/server.log"),
				Duration.ofSeconds(120), List.of("--sluice.data-dir=" + dataDir.toAbsolutePath()));
	}

	@AfterAll
	static void stopServer() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void recordWritesReachSubscribersAndStaleWritesGetTheCurrentVersion() throws Exception {
		String record = this.prefix + "/record";
		try (JsonClient reader = JsonClient.loggedIn("reader"); JsonClient writer = JsonClient.loggedIn("writer")) {
			reader.send("{\"topic\":5,\"action\":" + RecordAction.SUBSCRIBECREATEANDREAD + ",\"names\":[\"" + record
					+ "\"],\"correlationId\":\"1\",\"isAck\":false}");
			JsonNode ack = reader.next();
			assertThat(ack.get("isAck").booleanValue()).isTrue();
			JsonNode read = reader.next();
			assertThat(read.get("action").intValue()).isEqualTo(RecordAction.READ_RESPONSE);
			assertThat(read.get("version").intValue()).isZero();
			assertThat(json.readTree(read.get("data").asString())).isEqualTo(json.readTree("{}"));
			// As the client sends it: data as JSON text, with the parsed object beside it.
			writer.send("{\"topic\":5,\"action\":" + RecordAction.CREATEANDUPDATE + ",\"name\":\"" + record
					+ "\",\"version\":1,\"data\":\"{\\\"x\\\":1}\",\"parsedData\":{\"x\":1},\"isWriteAck\":true,"
					+ "\"correlationId\":\"w1\",\"isAck\":false}");
			JsonNode written = writer.next();
			assertThat(written.get("action").intValue()).isEqualTo(RecordAction.WRITE_ACKNOWLEDGEMENT);
			assertThat(written.get("correlationId").asString()).isEqualTo("w1");
			JsonNode update = reader.next();
			assertThat(update.get("action").intValue()).isEqualTo(RecordAction.UPDATE);
			assertThat(update.get("name").asString()).isEqualTo(record);
			assertThat(update.get("version").intValue()).isEqualTo(1);
			assertThat(json.readTree(update.get("data").asString())).isEqualTo(json.readTree("{\"x\":1}"));
			writer.send("{\"topic\":5,\"action\":" + RecordAction.CREATEANDUPDATE + ",\"name\":\"" + record
					+ "\",\"version\":1,\"data\":\"{\\\"x\\\":2}\"}");
			JsonNode stale = writer.next();
			assertThat(stale.get("action").intValue()).isEqualTo(RecordAction.VERSION_EXISTS);
			assertThat(stale.get("version").intValue()).isEqualTo(1);
		}
	}

	@Test
	void eventsReachSubscribers() throws Exception {
		String event = this.prefix + "/event";
		try (JsonClient listener = JsonClient.loggedIn("listener"); JsonClient emitter = JsonClient.loggedIn("emitter")) {
			listener.send("{\"topic\":4,\"action\":" + EventAction.SUBSCRIBE + ",\"names\":[\"" + event
					+ "\"],\"correlationId\":\"s1\"}");
			assertThat(listener.next().get("isAck").booleanValue()).isTrue();
			emitter.send("{\"topic\":4,\"action\":" + EventAction.EMIT + ",\"name\":\"" + event
					+ "\",\"data\":\"\\\"hi\\\"\"}");
			JsonNode emitted = listener.next();
			assertThat(emitted.get("action").intValue()).isEqualTo(EventAction.EMIT);
			assertThat(emitted.get("name").asString()).isEqualTo(event);
			assertThat(emitted.get("data").asString()).isEqualTo("\"hi\"");
		}
	}

	@Test
	void badFramesAreAnsweredAndTheConnectionStaysUp() throws Exception {
		try (JsonClient client = JsonClient.loggedIn("careless")) {
			client.send("{\"topic\":5,");
			assertThat(client.next().get("action").intValue()).isEqualTo(ParserAction.MESSAGE_PARSE_ERROR);
			client.send("{\"topic\":77,\"action\":1}");
			assertThat(client.next().get("action").intValue()).isEqualTo(ParserAction.UNKNOWN_TOPIC);
			client.send("{\"topic\":5,\"action\":" + RecordAction.READ + ",\"name\":\"\"}");
			JsonNode invalid = client.next();
			assertThat(invalid.get("action").intValue()).isEqualTo(RecordAction.INVALID_MESSAGE_DATA);
			assertThat(invalid.get("data").asString()).isEqualTo("\"Empty name\"");
			client.socket.sendBinary(ByteBuffer.wrap(new byte[] { 1, 2, 3 }), true).get(10, TimeUnit.SECONDS);
			assertThat(client.next().get("data").asString()).contains("text frames");
			client.send("{\"topic\":2,\"action\":" + ConnectionAction.PING + "}");
			assertThat(client.next().get("action").intValue()).isEqualTo(ConnectionAction.PONG);
		}
	}

	/** A JSON-endpoint client on the JDK's WebSocket. */
	private static final class JsonClient implements AutoCloseable, WebSocket.Listener {

		private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

		private final StringBuilder partial = new StringBuilder();

		private final WebSocket socket;

		private JsonClient() throws Exception {
			URI uri = URI.create(server.webSocketUrl().replace("/deepstream", "/deepstream-json"));
			this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, this).get(10, TimeUnit.SECONDS);
		}

		static JsonClient loggedIn(String username) throws Exception {
			JsonClient client = new JsonClient();
			client.send("{\"topic\":2,\"action\":5,\"url\":\"ws://test\",\"protocolVersion\":\"0.1a\","
					+ "\"sdkVersion\":\"7.0.5\",\"sdkType\":\"javascript\",\"isAck\":false}");
			assertThat(client.next().get("action").intValue()).isEqualTo(ConnectionAction.ACCEPT);
			client.send("{\"topic\":3,\"action\":2,\"parsedData\":{\"username\":\"" + username
					+ "\"},\"data\":\"{\\\"username\\\":\\\"" + username + "\\\"}\",\"isAck\":false}");
			JsonNode reply = client.next();
			assertThat(reply.get("topic").intValue()).isEqualTo(Topic.AUTH);
			assertThat(reply.get("action").intValue()).isEqualTo(AuthAction.AUTH_SUCCESSFUL);
			return client;
		}

		void send(String frame) throws Exception {
			this.socket.sendText(frame, true).get(10, TimeUnit.SECONDS);
		}

		JsonNode next() throws InterruptedException {
			JsonNode message = this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(message).as("a message within %s", TIMEOUT).isNotNull();
			return message;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				this.received.add(json.readTree(this.partial.toString()));
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public void close() {
			this.socket.abort();
		}

	}

}
