package io.sluice.gateway.listen;

import java.util.List;

import reactor.core.scheduler.Scheduler;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.session.Connection;

/**
 * One listenable topic's subscriptions and the listening on them, as the EVENT and RECORD handlers share them:
 * subscribing and unsubscribing answered as deepstream answers them, the four listen actions routed to the
 * {@link ListenRegistry}, and a closed connection forgotten by both. Called on the connection's event loop, like the
 * handler that owns it.
 */
public final class TopicSubscriptions {

	private final ListenTopic topic;

	private final Subscriptions subscriptions = new Subscriptions();

	private final ListenRegistry listening;

	/** @param scheduler where listening's response timeouts run */
	public TopicSubscriptions(ListenTopic topic, ListenProperties listen, Scheduler scheduler) {
		this.topic = topic;
		this.listening = new ListenRegistry(topic, this.subscriptions, listen, scheduler);
		this.subscriptions.setListener(this.listening);
	}

	/** Who subscribes to which name on this node, for sending to them. */
	public Subscriptions subscriptions() {
		return this.subscriptions;
	}

	/** The listening on this topic. */
	ListenRegistry listening() {
		return this.listening;
	}

	/** Whether {@code message} is LISTEN, UNLISTEN, LISTEN_ACCEPT or LISTEN_REJECT; if so, it has been handled. */
	public boolean listen(Connection connection, Message message) {
		if (!this.topic.isListenAction(message.action())) {
			return false;
		}
		this.listening.handle(connection, message);
		return true;
	}

	/**
	 * Subscribes to each of {@code names}, telling the client of each it already subscribed to
	 * (MULTIPLE_SUBSCRIPTIONS); the caller acknowledges the request.
	 * @return whether any subscription is new
	 */
	public boolean subscribe(Connection connection, Message request, List<String> names) {
		boolean anyNew = false;
		for (String name : names) {
			if (subscribe(connection, request, name)) {
				anyNew = true;
			}
		}
		return anyNew;
	}

	/**
	 * Subscribes to {@code name}, telling the client if it already was subscribed (MULTIPLE_SUBSCRIPTIONS).
	 * @return whether the subscription is new
	 */
	public boolean subscribe(Connection connection, Message request, String name) {
		if (this.subscriptions.subscribe(name, connection)) {
			return true;
		}
		connection.send(Message.builder(this.topic.topic, this.topic.multipleSubscriptions).name(name)
			.originalAction(request.action()).correlationId(request.correlationId()).build());
		return false;
	}

	/**
	 * Unsubscribes from each of {@code names}, telling the client of each it was not subscribed to (NOT_SUBSCRIBED),
	 * and acknowledges the request once if any subscription was removed.
	 */
	public void unsubscribe(Connection connection, Message request, List<String> names) {
		boolean anyRemoved = false;
		for (String name : names) {
			if (this.subscriptions.unsubscribe(name, connection)) {
				anyRemoved = true;
			}
			else {
				connection.send(Message.builder(this.topic.topic, this.topic.notSubscribed).name(name)
					.originalAction(request.action()).correlationId(request.correlationId()).build());
			}
		}
		if (anyRemoved) {
			connection.send(ack(request));
		}
	}

	/** One acknowledgement per (bulk) request, matched by the client on action and correlation id. */
	public Message ack(Message request) {
		return Message.builder(this.topic.topic, request.action()).correlationId(request.correlationId()).isAck(true)
			.build();
	}

	/** Forgets a closed connection's listening and subscriptions. */
	public void onClose(Connection connection) {
		this.listening.onClose(connection);
		this.subscriptions.removeAll(connection);
	}

}
