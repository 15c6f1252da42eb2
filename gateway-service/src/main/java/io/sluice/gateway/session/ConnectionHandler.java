package io.sluice.gateway.session;

import java.util.function.BiFunction;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.ParserAction;
import io.sluice.gateway.protocol.ProtocolException;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Topic;

/**
 * One WebSocket connection on Reactor Netty: frames are decoded and dispatched on the connection's event loop in
 * arrival order, and each message's work is subscribed to at once ({@code flatMap}), so a slow durable write does
 * not hold up the messages behind it, while a bounded number in progress keeps a flooding client in check.
 */
final class ConnectionHandler implements BiFunction<WebsocketInbound, WebsocketOutbound, Publisher<Void>> {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionHandler.class);

	/** Close code for data the server cannot accept (a frame that is not a deepstream message). */
	private static final int UNSUPPORTED_DATA = 1003;

	private final SessionDispatcher dispatcher;

	private final GatewayProperties properties;

	ConnectionHandler(SessionDispatcher dispatcher, GatewayProperties properties) {
		this.dispatcher = dispatcher;
		this.properties = properties;
	}

	@Override
	public Publisher<Void> apply(WebsocketInbound in, WebsocketOutbound out) {
		Connection connection = new Connection(this.properties.outboundQueueLimit());
		logger.debug("{} opened", connection);
		Mono<Void> inbound = in.aggregateFrames((int) this.properties.maxMessageSize().toBytes())
			.receiveFrames()
			.takeUntilOther(connection.closing())
			.<Message>handle((frame, sink) -> decode(connection, frame, sink))
			.flatMap((message) -> this.dispatcher.dispatch(connection, message), this.properties.maxInFlight())
			.then()
			.doFinally((signal) -> connection.peerClosed());
		Mono<Void> outbound = out.sendObject(connection.outboundFrames()
			.map((frame) -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)))).then().then(Mono.defer(() -> {
			Connection.CloseStatus status = connection.closedBy();
			return (status != null) ? out.sendClose(status.code(), status.reason()) : Mono.empty();
		}));
		return Mono.when(inbound, outbound)
			.onErrorResume((ex) -> {
				logger.debug("{} ended with an error", connection, ex);
				return Mono.empty();
			})
			.doFinally((signal) -> {
				connection.peerClosed();
				this.dispatcher.closed(connection);
				logger.debug("{} closed", connection);
			});
	}

	private void decode(Connection connection, WebSocketFrame frame, SynchronousSink<Message> sink) {
		if (!(frame instanceof BinaryWebSocketFrame)) {
			// Text frames would be deepstream's JSON transport, which this endpoint does not speak.
			if (frame.isFinalFragment() && frame.content().isReadable()) {
				rejectFrame(connection, "Only binary frames (the deepstream protobuf protocol) are accepted");
			}
			return;
		}
		try {
			sink.next(MessageCodec.decode(ByteBufUtil.getBytes(frame.content())));
		}
		catch (ProtocolException ex) {
			rejectFrame(connection, ex.getMessage());
		}
	}

	private void rejectFrame(Connection connection, String problem) {
		logger.debug("Closing {}: {}", connection, problem);
		connection.send(Message.builder(Topic.PARSER, ParserAction.MESSAGE_PARSE_ERROR).data(JsonText.quote(problem))
			.build());
		connection.close(UNSUPPORTED_DATA, "Invalid message: " + problem);
	}

}
