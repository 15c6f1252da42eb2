package io.sluice.gateway.event;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.sluice.connector.MessageBus;
import io.sluice.gateway.listen.ListenProperties;
import io.sluice.gateway.listen.ListenRegistry;
import io.sluice.gateway.listen.ListenTopic;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.TopicHandler;

/**
 * The EVENT topic. An emitted event goes to this node's subscribers except the emitter (as in deepstream) and, on
 * the message bus topic {@value EventRelay#BUS_TOPIC}, to the other nodes, which hand it to theirs. It is encoded
 * once: the same bytes go to every local subscriber and onto the bus.
 */
public final class EventHandler implements TopicHandler {

	private static final Logger logger = LoggerFactory.getLogger(EventHandler.class);

	private final Subscriptions subscriptions = new Subscriptions();

	private final MessageBus bus;

	private final EventRelay relay;

	private final ListenRegistry listening;

	public EventHandler(MessageBus bus) {
		this(bus, ListenProperties.defaults(), Schedulers.parallel());
	}

	/** @param scheduler where listening's response timeouts run */
	public EventHandler(MessageBus bus, ListenProperties listen, Scheduler scheduler) {
		this.bus = bus;
		this.relay = new EventRelay(bus, this.subscriptions);
		this.listening = new ListenRegistry(ListenTopic.EVENT, this.subscriptions, listen, scheduler);
		this.subscriptions.setListener(this.listening);
	}

	/** What delivers other nodes' events here; it must be started for them to arrive. */
	public EventRelay relay() {
		return this.relay;
	}

	@Override
	public int topic() {
		return Topic.EVENT;
	}

	@Override
	public Mono<Void> handle(Connection connection, Message message) {
		switch (message.action()) {
			case EventAction.EMIT:
				return emit(connection, message);
			case EventAction.SUBSCRIBE:
				subscribe(connection, message);
				return Mono.empty();
			case EventAction.UNSUBSCRIBE:
				unsubscribe(connection, message);
				return Mono.empty();
			case EventAction.LISTEN:
			case EventAction.UNLISTEN:
			case EventAction.LISTEN_ACCEPT:
			case EventAction.LISTEN_REJECT:
				this.listening.handle(connection, message);
				return Mono.empty();
			default:
				connection.send(Message.builder(Topic.EVENT, EventAction.ERROR).name(message.name())
					.originalAction(message.action()).correlationId(message.correlationId()).isError(true)
					.data(JsonText.quote("Event action " + Topic.actionName(Topic.EVENT, message.action())
							+ " is not supported by this server"))
					.build());
				return Mono.empty();
		}
	}

	@Override
	public void onClose(Connection connection) {
		this.listening.onClose(connection);
		this.subscriptions.removeAll(connection);
	}

	private Mono<Void> emit(Connection connection, Message message) {
		if (message.name() == null || message.name().isEmpty()) {
			connection.send(Message.builder(Topic.EVENT, EventAction.INVALID_MESSAGE_DATA)
				.originalAction(EventAction.EMIT).isError(true).data(JsonText.quote("An event needs a name")).build());
			return Mono.empty();
		}
		return publish(message.name(), message.data(), connection.id());
	}

	/**
	 * Publishes an event as a client's emit does, for a caller that is not a connection (the HTTP API): every
	 * subscriber on every node receives it.
	 * @param data the event's data as JSON, or {@code null} for none
	 * @return completes once handed to the other nodes; never fails (they get it at most once anyway)
	 */
	public Mono<Void> publish(String name, byte[] data) {
		return publish(name, data, null);
	}

	private Mono<Void> publish(String name, byte[] data, String origin) {
		byte[] frame = MessageCodec.encodeNamed(Topic.EVENT, EventAction.EMIT, name, data);
		this.subscriptions.send(name, frame, origin);
		Mono<Void> published = this.bus.publish(EventRelay.BUS_TOPIC, frame);
		if (published == Mono.<Void>empty()) {
			// Nothing to wait for or to fail (a bus with no other node to reach): the dispatch counts it as done.
			return published;
		}
		// Fail open: local subscribers have it; the bus delivers at most once anyway.
		return published.onErrorResume((ex) -> {
			logger.warn("Event '{}' could not be published to other nodes: {}", name, ex.getMessage());
			return Mono.empty();
		});
	}

	private void subscribe(Connection connection, Message message) {
		boolean anyNew = false;
		for (String name : names(message)) {
			if (this.subscriptions.subscribe(name, connection)) {
				anyNew = true;
			}
			else {
				connection.send(Message.builder(Topic.EVENT, EventAction.MULTIPLE_SUBSCRIPTIONS).name(name)
					.originalAction(message.action()).correlationId(message.correlationId()).build());
			}
		}
		if (anyNew) {
			connection.send(ack(message));
		}
	}

	private void unsubscribe(Connection connection, Message message) {
		boolean anyRemoved = false;
		for (String name : names(message)) {
			if (this.subscriptions.unsubscribe(name, connection)) {
				anyRemoved = true;
			}
			else {
				connection.send(Message.builder(Topic.EVENT, EventAction.NOT_SUBSCRIBED).name(name)
					.originalAction(message.action()).correlationId(message.correlationId()).build());
			}
		}
		if (anyRemoved) {
			connection.send(ack(message));
		}
	}

	/** One acknowledgement per (bulk) request, matched by the client on action and correlation id. */
	private static Message ack(Message request) {
		return Message.builder(Topic.EVENT, request.action()).correlationId(request.correlationId()).isAck(true)
			.build();
	}

	private static List<String> names(Message message) {
		if (!message.names().isEmpty()) {
			return message.names();
		}
		return (message.name() != null) ? List.of(message.name()) : List.of();
	}

}
