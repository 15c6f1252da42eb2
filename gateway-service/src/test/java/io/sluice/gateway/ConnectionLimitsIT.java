package io.sluice.gateway;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.GatewayRoute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Upgrades beyond sluice.gateway.max-connections and max-connections-per-address are refused with 503 and
 * Retry-After while the clients already connected go on, and a closed connection's slot is taken again. The
 * clients connect from different loopback addresses (127.0.0.x), which Linux serves without configuration.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sluice.gateway.max-connections=4", "sluice.gateway.max-connections-per-address=2" })
class ConnectionLimitsIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	GatewayRoute route;

	private final List<Client> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(Client::close);
		// The next test starts with every slot free again.
		await().atMost(TIMEOUT).until(() -> this.route.admittedConnections() == 0);
	}

	@Test
	void anAddressBeyondItsLimitIsRefusedWith503AndRetryAfterWhileItsClientsGoOn() throws Exception {
		Client first = connect("127.0.0.1", "/deepstream");
		connect("127.0.0.1", "/deepstream-json");

		assertRefused("127.0.0.1", "/deepstream");
		assertRefused("127.0.0.1", "/deepstream-json");

		first.assertAnswers();
		connect("127.0.0.2", "/deepstream").assertAnswers();
	}

	@Test
	void aFullNodeRefusesEveryAddressWhileItsClientsGoOn() throws Exception {
		List<Client> connected = List.of(connect("127.0.0.1", "/deepstream"), connect("127.0.0.2", "/deepstream"),
				connect("127.0.0.3", "/deepstream"), connect("127.0.0.4", "/deepstream"));

		assertRefused("127.0.0.5", "/deepstream");
		assertRefused("127.0.0.1", "/deepstream-json");

		for (Client client : connected) {
			client.assertAnswers();
		}
	}

	@Test
	void aClosedConnectionsSlotIsTakenAgain() throws Exception {
		Client first = connect("127.0.0.1", "/deepstream");
		connect("127.0.0.1", "/deepstream");
		assertRefused("127.0.0.1", "/deepstream");

		first.close();

		await().atMost(TIMEOUT).untilAsserted(() -> connect("127.0.0.1", "/deepstream").assertAnswers());
	}

	@Test
	void aClientThatVanishesWithoutClosingGivesItsSlotBack() throws Exception {
		Client first = connect("127.0.0.1", "/deepstream");
		connect("127.0.0.1", "/deepstream");

		first.dropSocket();

		await().atMost(TIMEOUT).untilAsserted(() -> connect("127.0.0.1", "/deepstream").assertAnswers());
	}

	private void assertRefused(String from, String path) {
		assertThatThrownBy(() -> connect(from, path)).isInstanceOfSatisfying(WebSocketClientHandshakeException.class,
				(ex) -> {
					assertThat(ex.response().status().code()).isEqualTo(503);
					assertThat(ex.response().headers().get("Retry-After")).isEqualTo("5");
				});
	}

	/** A WebSocket client connected from {@code from}; fails with the server's answer when it is not upgraded. */
	private Client connect(String from, String path) throws InterruptedException {
		Client client = new Client(from, this.port, path);
		this.clients.add(client);
		client.assertConnected();
		return client;
	}

	/** A client of either endpoint that can check the server still answers it. */
	private static final class Client {

		private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

		private final Sinks.Many<BinaryWebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();

		private final Disposable connection;

		private final boolean json;

		private volatile reactor.netty.Connection socket;

		Client(String from, int port, String path) {
			this.json = path.endsWith("json");
			this.connection = HttpClient.create()
				.bindAddress(() -> new InetSocketAddress(from, 0))
				.doOnConnected((connected) -> this.socket = connected)
				.websocket()
				.uri("ws://127.0.0.1:" + port + path)
				.handle((in, out) -> {
					this.received.add("connected");
					return out.sendObject(this.outbound.asFlux())
						.then()
						.and(in.receive().asByteArray().doOnNext(this.received::add).then());
				})
				.subscribe(null, this.received::add);
		}

		void assertConnected() throws InterruptedException {
			Object first = this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (first instanceof RuntimeException ex) {
				throw ex;
			}
			assertThat(first).as("upgraded within %s", TIMEOUT).isEqualTo("connected");
		}

		/** The server answers a challenge (binary endpoint only; the JSON one is checked by being upgraded). */
		void assertAnswers() throws InterruptedException {
			assertThat(this.json).isFalse();
			byte[] challenge = MessageCodec
				.encode(Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).url("ws://test").build());
			this.outbound.tryEmitNext(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(challenge))).orThrow();
			Object answer = this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(answer).as("an answer within %s", TIMEOUT).isInstanceOf(byte[].class);
			assertThat(MessageCodec.decode((byte[]) answer).action()).isEqualTo(ConnectionAction.ACCEPT);
		}

		/** Closes the TCP connection without a WebSocket close. */
		void dropSocket() {
			this.socket.channel().close();
		}

		void close() {
			this.connection.dispose();
		}

	}

}
