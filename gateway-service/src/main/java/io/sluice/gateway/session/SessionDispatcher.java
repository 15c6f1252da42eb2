package io.sluice.gateway.session;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

/**
 * The connection's life as deepstream defines it: the client sends a challenge and is accepted, then
 * authenticates, and only then may use the other topics, each served by its {@link TopicHandler}. Pings are
 * answered with pongs in every state, and a client that says it is closing is told it is closed.
 */
final class SessionDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(SessionDispatcher.class);

	/** Normal closure. */
	private static final int NORMAL = 1000;

	/** Policy violation: a client that broke the handshake. */
	private static final int POLICY = 1008;

	private final TopicHandler[] handlers = new TopicHandler[Topic.STATE_REGISTRY + 1];

	private final List<TopicHandler> allHandlers;

	private final OpenAuthentication authentication = new OpenAuthentication();

	SessionDispatcher(List<TopicHandler> handlers) {
		this.allHandlers = List.copyOf(handlers);
		for (TopicHandler handler : handlers) {
			if (this.handlers[handler.topic()] != null) {
				throw new IllegalStateException("Two handlers for topic " + Topic.name(handler.topic()));
			}
			this.handlers[handler.topic()] = handler;
		}
	}

	/** Handles one message; never fails. */
	Mono<Void> dispatch(Connection connection, Message message) {
		if (message.topic() == Topic.CONNECTION) {
			onConnectionMessage(connection, message);
			return Mono.empty();
		}
		switch (connection.state()) {
			case AWAITING_CHALLENGE:
				connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.INVALID_MESSAGE)
					.originalTopic(message.topic()).originalAction(message.action()).isError(true).build());
				return Mono.empty();
			case AWAITING_AUTH:
				onAuthMessage(connection, message);
				return Mono.empty();
			default:
				return onOpenMessage(connection, message);
		}
	}

	void closed(Connection connection) {
		for (TopicHandler handler : this.allHandlers) {
			try {
				handler.onClose(connection);
			}
			catch (RuntimeException ex) {
				logger.error("Cleaning up {} after it closed failed in {}", connection, handler, ex);
			}
		}
	}

	private void onConnectionMessage(Connection connection, Message message) {
		switch (message.action()) {
			case ConnectionAction.PING:
				connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.PONG).build());
				break;
			case ConnectionAction.CHALLENGE:
				if (connection.state() == Connection.State.OPEN) {
					logger.debug("Ignoring a second challenge from {}", connection);
					break;
				}
				logger.debug("Challenge from a {} {} client for {}", message.sdkType(), message.sdkVersion(),
						message.url());
				connection.challenged();
				connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.ACCEPT).build());
				break;
			case ConnectionAction.CLOSING:
				connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.CLOSED).build());
				connection.close(NORMAL, "Closed at the client's request");
				break;
			default:
				// PONG and anything else a client may send on this topic needs no answer.
				logger.debug("Ignoring {} from {}", message, connection);
		}
	}

	private void onAuthMessage(Connection connection, Message message) {
		if (message.topic() != Topic.AUTH) {
			connection.send(Message.builder(Topic.AUTH, AuthAction.INVALID_MESSAGE).originalTopic(message.topic())
				.originalAction(message.action()).isError(true).build());
			return;
		}
		String userId = (message.action() == AuthAction.REQUEST) ? this.authentication.authenticate(message.data())
				: null;
		if (userId == null) {
			connection.send(Message.builder(Topic.AUTH, AuthAction.INVALID_MESSAGE_DATA).isError(true)
				.data(JsonText.quote("Authentication needs an AUTH REQUEST whose data is a JSON object"))
				.build());
			connection.close(POLICY, "Invalid authentication message");
			return;
		}
		connection.authenticated(userId);
		logger.debug("{} authenticated", connection);
		// Open authentication has no client data: the client treats an absent one as null.
		connection.send(Message.builder(Topic.AUTH, AuthAction.AUTH_SUCCESSFUL).build());
	}

	private Mono<Void> onOpenMessage(Connection connection, Message message) {
		TopicHandler handler = (message.topic() < this.handlers.length) ? this.handlers[message.topic()] : null;
		if (handler == null) {
			if (message.topic() != Topic.PARSER) {
				connection.send(Message.builder(message.topic(), 1).originalAction(message.action()).isError(true)
					.data(JsonText.quote("Topic " + Topic.name(message.topic()) + " is not supported by this server"))
					.build());
			}
			return Mono.empty();
		}
		return handler.handle(connection, message).onErrorResume((ex) -> {
			logger.error("Handling {} from {} failed", message, connection, ex);
			connection.send(Message.builder(message.topic(), 1).originalAction(message.action()).name(message.name())
				.correlationId(message.correlationId()).isError(true).data(JsonText.quote("Internal error")).build());
			return Mono.empty();
		});
	}

}
