package io.sluice.gateway.listen;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.TopicHandler;

/**
 * The handler of a topic that can be listened on (EVENT, RECORD): the four listen actions go to listening before the
 * topic's own actions are looked at, and a closed connection loses its subscriptions and listens.
 */
public abstract class ListeningTopicHandler implements TopicHandler {

	private final ListenTopic topic;

	private final TopicSubscriptions subscriptions;

	/** @param scheduler where listening's response timeouts run */
	protected ListeningTopicHandler(ListenTopic topic, ListenProperties listen, Scheduler scheduler) {
		this.topic = topic;
		this.subscriptions = new TopicSubscriptions(topic, listen, scheduler);
	}

	/** The topic's subscriptions and listening on this node. */
	protected final TopicSubscriptions subscriptions() {
		return this.subscriptions;
	}

	/** The topic's listening on this node, for wiring it to the other nodes. */
	public final ListenRegistry listening() {
		return this.subscriptions.listening();
	}

	@Override
	public final int topic() {
		return this.topic.topic;
	}

	@Override
	public final Mono<Void> handle(Connection connection, Message message) {
		if (this.subscriptions.listen(connection, message)) {
			return Mono.empty();
		}
		return handleAction(connection, message);
	}

	/** Handles an action that is not one of listening's, with the contract of {@link #handle}. */
	protected abstract Mono<Void> handleAction(Connection connection, Message message);

	@Override
	public void onClose(Connection connection) {
		this.subscriptions.onClose(connection);
	}

}
