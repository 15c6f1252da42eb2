package io.sluice.gateway.session;

import reactor.core.publisher.Mono;

import io.sluice.gateway.protocol.Message;

/**
 * Serves one topic of an authenticated connection. {@link #handle} is called on the connection's event loop, one
 * message at a time in arrival order; what it does synchronously (registering a subscription, subscribing to a
 * write) therefore happens in that order. The {@code Mono} it returns may complete later; it must not fail: errors
 * are answered to the client as error messages.
 */
public interface TopicHandler {

	/** The {@link io.sluice.gateway.protocol.Topic} served. */
	int topic();

	Mono<Void> handle(Connection connection, Message message);

	/** Learns that a connection has authenticated ({@link Connection#userId()} is set), before its first message. */
	default void onAuthenticated(Connection connection) {
	}

	/** Forgets everything about a connection that has closed. */
	void onClose(Connection connection);

}
