package io.sluice.gateway;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client over Reactor Netty that sends binary frames made by the gateway's codec and collects what
 * it receives, in order.
 */
final class TestClient implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();

	private final Sinks.Many<byte[]> outbound = Sinks.many().unicast().onBackpressureBuffer();

	private final Sinks.Empty<Void> closed = Sinks.empty();

	private final Disposable connection;

	TestClient(int port) {
		this.connection = HttpClient.create()
			.websocket()
			.uri("ws://localhost:" + port + "/deepstream")
			.handle((in, out) -> out
				.sendObject(this.outbound.asFlux().map((bytes) -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))))
				.then()
				.and(in.receiveFrames()
					.doOnNext((frame) -> this.received.add(MessageCodec.decode(ByteBufUtil.getBytes(frame.content()))))
					.then()))
			.doFinally((signal) -> this.closed.tryEmitEmpty())
			.subscribe();
	}

	/** Connects, is accepted and logs in as {@code username}. */
	static TestClient loggedIn(int port, String username) throws InterruptedException {
		TestClient client = new TestClient(port);
		client.send(Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).url("ws://test").build());
		assertThat(client.next().action()).isEqualTo(ConnectionAction.ACCEPT);
		client.send(Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{\"username\":\"" + username + "\"}").build());
		Message reply = client.next();
		assertThat(reply.topic()).isEqualTo(Topic.AUTH);
		assertThat(reply.action()).isEqualTo(AuthAction.AUTH_SUCCESSFUL);
		return client;
	}

	void send(Message message) {
		sendRaw(MessageCodec.encode(message));
	}

	void sendRaw(byte[] frame) {
		this.outbound.tryEmitNext(frame).orThrow();
	}

	/** The next message received, failing after {@link #TIMEOUT}. */
	Message next() throws InterruptedException {
		Message message = this.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(message).as("a message within %s", TIMEOUT).isNotNull();
		return message;
	}

	/**
	 * Asserts nothing else arrived before the server answered a ping: the server handles one connection's messages
	 * in order, so anything sent to this client earlier is in the queue before the pong.
	 */
	void assertNothingElseReceived() throws InterruptedException {
		send(Message.builder(Topic.CONNECTION, ConnectionAction.PING).build());
		Message message = next();
		assertThat(message.topic()).as("instead of a pong: %s", message).isEqualTo(Topic.CONNECTION);
		assertThat(message.action()).as("instead of a pong: %s", message).isEqualTo(ConnectionAction.PONG);
	}

	/** Completes when the socket has closed. */
	reactor.core.publisher.Mono<Void> closed() {
		return this.closed.asMono();
	}

	@Override
	public void close() {
		this.connection.dispose();
	}

}
