package io.sluice.gateway;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client over Reactor Netty that sends binary frames made by the gateway's codec and collects what
 * it receives, in order.
 */
final class TestClient implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();

	private final Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();

	private final Sinks.One<WebSocketCloseStatus> closeStatus = Sinks.one();

	private final Sinks.Empty<Void> closed = Sinks.empty();

	private final Disposable connection;

	TestClient(int port) {
		this.connection = HttpClient.create()
			.websocket()
			.uri("ws://localhost:" + port + "/deepstream")
			.handle((in, out) -> out
				.sendObject(this.outbound.asFlux())
				.then()
				.and(in.receiveCloseStatus().doOnNext(this.closeStatus::tryEmitValue))
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

	/** Opens a record nobody has written, as {@code getRecord} does: acknowledged, then read at version 0. */
	void openNewRecord(String name) throws InterruptedException {
		send(Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name)).correlationId("1")
			.build());
		assertThat(next().isAck()).isTrue();
		assertThat(next().version()).isZero();
	}

	void send(Message message) {
		sendRaw(MessageCodec.encode(message));
	}

	void sendRaw(byte[] frame) {
		sendFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)));
	}

	/** Sends {@code message} as a binary frame and {@code continuations} continuation frames of about equal size. */
	void sendFragmented(Message message, int continuations) {
		byte[] bytes = MessageCodec.encode(message);
		int size = Math.max(1, bytes.length / (continuations + 1));
		sendFrame(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(bytes, 0, size)));
		for (int i = 1; i <= continuations; i++) {
			int from = i * size;
			int to = (i == continuations) ? bytes.length : from + size;
			sendFrame(new ContinuationWebSocketFrame(i == continuations, 0,
					Unpooled.wrappedBuffer(bytes, from, to - from)));
		}
	}

	void sendFrame(WebSocketFrame frame) {
		this.outbound.tryEmitNext(frame).orThrow();
	}

	/** The close status the server sent, once it has. */
	reactor.core.publisher.Mono<WebSocketCloseStatus> closeStatus() {
		return this.closeStatus.asMono();
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
