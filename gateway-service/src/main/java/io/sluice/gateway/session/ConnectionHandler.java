package io.sluice.gateway.session;

import java.util.function.BiFunction;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.ParserAction;
import io.sluice.gateway.protocol.ProtocolException;
import io.sluice.gateway.protocol.Topic;

/**
 * One WebSocket connection on Reactor Netty, in one encoding ({@link FrameCodec}): frames are decoded and
 * dispatched on the connection's event loop in arrival order, and each message's work is subscribed to at once
 * ({@link BoundedWork}), so a slow durable write does not hold up the messages behind it, while a bounded number in
 * progress keeps a flooding client in check. A frame that is not a valid message is answered with a {@code PARSER}
 * error and the connection stays open; abuse (an oversized frame, too many messages a second) closes it.
 */
final class ConnectionHandler implements BiFunction<WebsocketInbound, WebsocketOutbound, Publisher<Void>> {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionHandler.class);

	/** Message too big (RFC 6455). */
	static final int TOO_BIG = 1009;

	/** Policy violation: a client that sends more than it may. */
	static final int FLOODING = 1008;

	private final SessionDispatcher dispatcher;

	private final GatewayProperties properties;

	private final FrameCodec codec;

	private final ConnectionRegistry registry;

	private final ConnectionTimers timers;

	ConnectionHandler(SessionDispatcher dispatcher, GatewayProperties properties, FrameCodec codec,
			ConnectionRegistry registry, ConnectionTimers timers) {
		this.dispatcher = dispatcher;
		this.properties = properties;
		this.codec = codec;
		this.registry = registry;
		this.timers = timers;
	}

	@Override
	public Publisher<Void> apply(WebsocketInbound in, WebsocketOutbound out) {
		Channel channel = channel(in);
		Connection connection = new Connection(this.properties.outboundQueueLimit(), this.codec, channel);
		if (!this.registry.add(connection)) {
			return out.sendClose(ConnectionRegistry.GOING_AWAY, ConnectionRegistry.SHUTDOWN_REASON);
		}
		connection.handshake(in.headers());
		this.timers.opened(connection);
		logger.debug("{} opened ({})", connection, this.codec);
		RateLimit rate = new RateLimit(this.properties.maxMessagesPerSecond(), System::nanoTime);
		// One pipeline per connection, the inbound one: outbound frames go straight to the channel (Outbound), and
		// the session ends when the inbound does, which is when the channel closes or the peer sends its close.
		Flux<Mono<Void>> works = in.aggregateFrames((int) this.properties.maxMessageSize().toBytes())
			.receiveFrames()
			.map((frame) -> {
				Message message = receive(connection, rate, frame);
				return (message != null) ? this.dispatcher.dispatch(connection, message) : Mono.<Void>empty();
			});
		return BoundedWork.run(works, this.properties.maxInFlight())
			.onErrorResume((ex) -> {
				if (!tooLong(ex)) {
					logger.debug("{} ended with an error", connection, ex);
					return Mono.empty();
				}
				String reason = "Message larger than " + this.properties.maxMessageSize();
				logger.debug("Closing {}: {}", connection, reason);
				connection.send(Message.builder(Topic.PARSER, ParserAction.MAXIMUM_MESSAGE_SIZE_EXCEEDED)
					.data(JsonText.quote(reason)).build());
				connection.close(TOO_BIG, reason);
				return closed(channel);
			})
			.doFinally((signal) -> {
				connection.peerClosed();
				this.registry.remove(connection);
				this.dispatcher.closed(connection);
				logger.debug("{} closed", connection);
			});
	}

	/** Completes when the channel has closed (after the close frame this side sent). */
	private static Mono<Void> closed(Channel channel) {
		return Mono.create((sink) -> channel.closeFuture().addListener((future) -> sink.success()));
	}

	/** Decodes a frame, or answers it and returns {@code null} when there is no message to dispatch. */
	private Message receive(Connection connection, RateLimit rate, WebSocketFrame frame) {
		connection.heard(this.timers.now());
		if (!connection.isOpen()) {
			// Closing from this side: what the client sends after that is not for anyone.
			return null;
		}
		boolean binary = frame instanceof BinaryWebSocketFrame;
		if (!binary && !(frame instanceof TextWebSocketFrame)) {
			return null;
		}
		if (!rate.tryAcquire()) {
			if (connection.isOpen()) {
				logger.info("{} sent more than {} messages a second; disconnecting it", connection,
						this.properties.maxMessagesPerSecond());
				connection.close(FLOODING,
						"Too many messages: more than " + this.properties.maxMessagesPerSecond() + " a second");
			}
			return null;
		}
		if (binary == this.codec.isText()) {
			reject(connection, ParserAction.MESSAGE_PARSE_ERROR, "This endpoint takes " + this.codec + " messages in "
					+ (this.codec.isText() ? "text" : "binary") + " frames");
			return null;
		}
		try {
			return this.codec.decode(ByteBufUtil.getBytes(frame.content()));
		}
		catch (ProtocolException ex) {
			reject(connection, ex.parserAction(), ex.getMessage());
			return null;
		}
	}

	private void reject(Connection connection, int parserAction, String problem) {
		logger.debug("Invalid message from {}: {}", connection, problem);
		connection.send(Message.builder(Topic.PARSER, parserAction).isError(true).data(JsonText.quote(problem)).build());
	}

	private static boolean tooLong(Throwable ex) {
		return ex instanceof TooLongFrameException || (ex instanceof CorruptedWebSocketFrameException corrupted
				&& corrupted.closeStatus() != null && corrupted.closeStatus().code() == TOO_BIG);
	}

	private static Channel channel(WebsocketInbound in) {
		Channel[] channel = new Channel[1];
		in.withConnection((connection) -> channel[0] = connection.channel());
		return channel[0];
	}

}
