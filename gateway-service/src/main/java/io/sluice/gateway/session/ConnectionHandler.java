package io.sluice.gateway.session;

import java.io.ByteArrayOutputStream;
import java.util.function.BiFunction;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import io.sluice.gateway.metrics.GatewayCounters;
import io.sluice.gateway.metrics.GatewayCounters.Limit;
import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.ParserAction;
import io.sluice.gateway.protocol.ProtocolException;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.transport.BoundedWork;
import io.sluice.gateway.transport.CloseStatus;
import io.sluice.gateway.transport.OutboundPolicy;

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

	private final OutboundPolicy outboundPolicy;

	ConnectionHandler(SessionDispatcher dispatcher, GatewayProperties properties, FrameCodec codec,
			ConnectionRegistry registry, ConnectionTimers timers) {
		this.dispatcher = dispatcher;
		this.properties = properties;
		this.codec = codec;
		this.registry = registry;
		this.timers = timers;
		this.outboundPolicy = OutboundPolicy.of(properties.outboundBudget(), properties.outboundLimit(),
				properties.stallTimeout(), System::nanoTime);
	}

	@Override
	public Publisher<Void> apply(WebsocketInbound in, WebsocketOutbound out) {
		Channel channel = channel(in);
		Connection connection = new Connection(this.outboundPolicy, this.codec, channel);
		if (!this.registry.add(connection)) {
			return out.sendClose(ConnectionRegistry.GOING_AWAY, ConnectionRegistry.SHUTDOWN_REASON);
		}
		connection.handshake(in.headers());
		GatewayCounters.connectionOpened();
		this.timers.opened(connection);
		logger.debug("{} opened ({})", connection, this.codec);
		return new Session(in, connection, channel);
	}

	/** Completes when the channel has closed (after the close frame this side sent). */
	private static Mono<Void> closed(Channel channel) {
		return Mono.create((sink) -> channel.closeFuture().addListener((future) -> sink.success()));
	}

	/** Decodes a message, or answers it and returns {@code null} when there is nothing to dispatch. */
	private Message receive(Connection connection, RateLimit rate, boolean binary, byte[] bytes) {
		if (!connection.isOpen()) {
			// Closing from this side: what the client sends after that is not for anyone.
			return null;
		}
		if (!rate.tryAcquire()) {
			if (connection.isOpen()) {
				GatewayCounters.refused(Limit.MESSAGE_RATE);
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
			return this.codec.decode(bytes);
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

	private static int closeCode(Connection connection) {
		CloseStatus status = connection.closedBy();
		return (status != null) ? status.code() : -1;
	}

	private static Channel channel(WebsocketInbound in) {
		Channel[] channel = new Channel[1];
		in.withConnection((connection) -> channel[0] = connection.channel());
		return channel[0];
	}

	/**
	 * A connection's inbound pipeline, in one object: it reads the frames, puts fragmented messages back together
	 * (no aggregating handler per channel: most clients never fragment), checks and decodes each message and runs
	 * its work; when reading ends it tells the dispatcher the connection has gone.
	 */
	private final class Session extends BoundedWork<Object, Message> {

		private final Connection connection;

		private final Channel channel;

		private final RateLimit rate;

		/** The fragments of a message so far, while one is arriving; {@code null} otherwise. */
		private ByteArrayOutputStream fragments;

		private boolean fragmentsBinary;

		Session(WebsocketInbound in, Connection connection, Channel channel) {
			super(in.receiveObject(), ConnectionHandler.this.properties.maxInFlight());
			this.connection = connection;
			this.channel = channel;
			this.rate = new RateLimit(ConnectionHandler.this.properties.maxMessagesPerSecond(), System::nanoTime);
		}

		@Override
		protected Message accept(Object item) {
			this.connection.heard(ConnectionHandler.this.timers.now());
			if (!(item instanceof WebSocketFrame frame)) {
				return null;
			}
			boolean binary;
			byte[] bytes;
			if (frame instanceof ContinuationWebSocketFrame) {
				if (this.fragments == null || !append(frame) || !frame.isFinalFragment()) {
					return null;
				}
				binary = this.fragmentsBinary;
				bytes = this.fragments.toByteArray();
				this.fragments = null;
			}
			else if (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame) {
				binary = frame instanceof BinaryWebSocketFrame;
				if (!frame.isFinalFragment()) {
					this.fragments = new ByteArrayOutputStream(frame.content().readableBytes() * 2);
					this.fragmentsBinary = binary;
					append(frame);
					return null;
				}
				bytes = ByteBufUtil.getBytes(frame.content());
			}
			else {
				return null;
			}
			return receive(this.connection, this.rate, binary, bytes);
		}

		@Override
		protected Mono<Void> work(Message message) {
			return ConnectionHandler.this.dispatcher.dispatch(this.connection, message);
		}

		@Override
		protected void pause() {
			this.channel.config().setAutoRead(false);
		}

		@Override
		protected void resume() {
			this.channel.config().setAutoRead(true);
		}

		@Override
		protected void onSourceThread(Runnable task) {
			this.channel.eventLoop().execute(task);
		}

		/** Adds a fragment, or stops reading if the message grows beyond the limit. */
		private boolean append(WebSocketFrame frame) {
			long max = ConnectionHandler.this.properties.maxMessageSize().toBytes();
			if (this.fragments.size() + (long) frame.content().readableBytes() > max) {
				this.fragments = null;
				fail(new TooLongFrameException("WebSocket message longer than " + max + " bytes"));
				return false;
			}
			this.fragments.writeBytes(ByteBufUtil.getBytes(frame.content()));
			return true;
		}

		@Override
		protected Mono<Void> failed(Throwable ex) {
			if (!tooLong(ex)) {
				logger.debug("{} ended with an error", this.connection, ex);
				return Mono.empty();
			}
			GatewayCounters.refused(Limit.MESSAGE_SIZE);
			String reason = "Message larger than " + ConnectionHandler.this.properties.maxMessageSize();
			logger.debug("Closing {}: {}", this.connection, reason);
			this.connection.send(Message.builder(Topic.PARSER, ParserAction.MAXIMUM_MESSAGE_SIZE_EXCEEDED)
				.data(JsonText.quote(reason))
				.build());
			this.connection.close(TOO_BIG, reason);
			return closed(this.channel);
		}

		@Override
		protected void ended() {
			this.fragments = null;
			this.connection.peerClosed();
			GatewayCounters.connectionClosed(closeCode(this.connection));
			ConnectionHandler.this.registry.remove(this.connection);
			ConnectionHandler.this.dispatcher.closed(this.connection);
			logger.debug("{} closed", this.connection);
		}

	}

}
