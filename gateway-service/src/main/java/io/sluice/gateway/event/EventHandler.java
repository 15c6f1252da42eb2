package io.sluice.gateway.event;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.MessageBus;
import io.sluice.connector.Retention;
import io.sluice.gateway.history.EventHistory;
import io.sluice.gateway.listen.ListenProperties;
import io.sluice.gateway.listen.ListenTopic;
import io.sluice.gateway.listen.ListeningTopicHandler;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Connection;

/**
 * The EVENT topic. An emitted event goes to this node's subscribers except the emitter (as in deepstream) and, on
 * the message bus topic {@value EventRelay#BUS_TOPIC}, to the other nodes, which hand it to theirs. It is encoded
 * once: the same bytes go to every local subscriber and onto the bus.
 */
public final class EventHandler extends ListeningTopicHandler {

	private static final Logger logger = LoggerFactory.getLogger(EventHandler.class);

	private final MessageBus bus;

	private final EventRelay relay;

	/** The history of the names that keep one, or {@code null} when none does. */
	private final EventHistory history;

	/** Subscribes that recover missed events, or {@code null} when no name keeps history. */
	private final EventRecovery recovery;

	public EventHandler(MessageBus bus) {
		this(bus, ListenProperties.defaults(), Schedulers.parallel(), null);
	}

	/**
	 * @param scheduler where listening's response timeouts run
	 * @param history where the events of the names that keep history are appended, or {@code null} for none
	 */
	public EventHandler(MessageBus bus, ListenProperties listen, Scheduler scheduler, EventHistory history) {
		super(ListenTopic.EVENT, listen, scheduler);
		this.bus = bus;
		this.history = history;
		this.recovery = (history != null) ? new EventRecovery(history, subscriptions()) : null;
		this.relay = new EventRelay(bus, subscriptions().subscriptions(), this.recovery);
	}

	/** What delivers other nodes' events here; it must be started for them to arrive. */
	public EventRelay relay() {
		return this.relay;
	}

	@Override
	protected Mono<Void> handleAction(Connection connection, Message message) {
		switch (message.action()) {
			case EventAction.EMIT:
				return emit(connection, message);
			case EventAction.SUBSCRIBE:
				return subscribe(connection, message);
			case EventAction.UNSUBSCRIBE:
				unsubscribe(connection, message);
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

	private Mono<Void> subscribe(Connection connection, Message message) {
		if (message.position() != null) {
			return recover(connection, message);
		}
		List<String> names = names(message);
		if (this.recovery != null) {
			names = this.recovery.notRecovering(connection, message, names);
		}
		if (subscriptions().subscribe(connection, message, names)) {
			connection.send(subscriptions().ack(message));
		}
		return Mono.empty();
	}

	/** An unsubscribe, also of a subscription still recovering (which then does not go live). */
	private void unsubscribe(Connection connection, Message message) {
		List<String> names = names(message);
		List<String> others = (this.recovery != null) ? this.recovery.abandon(connection, names) : names;
		if (others.isEmpty() && !names.isEmpty()) {
			connection.send(subscriptions().ack(message));
			return;
		}
		subscriptions().unsubscribe(connection, message, others);
	}

	/** A subscribe that asks for the events missed since a position. */
	private Mono<Void> recover(Connection connection, Message message) {
		List<String> names = names(message);
		String refusal = null;
		if (this.recovery == null) {
			refusal = "No event keeps history on this server: a subscribe cannot recover from an offset";
		}
		else if (names.size() == 1 && this.history.retention(names.get(0)) == null) {
			refusal = "Events named '" + names.get(0) + "' keep no history: a subscribe to them cannot recover from an "
					+ "offset";
		}
		if (refusal != null) {
			connection.send(Message.builder(Topic.EVENT, EventAction.INVALID_MESSAGE_DATA).name(message.name())
				.originalAction(message.action()).correlationId(message.correlationId()).isError(true)
				.data(JsonText.quote(refusal)).build());
			return Mono.empty();
		}
		return this.recovery.subscribe(connection, message, names);
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

	/**
	 * Publishes an event. One whose name keeps history is appended first, here on the node it was published on (the
	 * others only deliver it), so that it is appended once cluster-wide and its subscribers here hear the events in
	 * the order of their offsets. Any other name costs one remembered lookup.
	 */
	private Mono<Void> publish(String name, byte[] data, String origin) {
		Retention retention = (this.history != null) ? this.history.retention(name) : null;
		if (retention == null) {
			return deliver(name, data, origin);
		}
		// Fail open: the event still reaches its subscribers when the history cannot take it. It is then missing from
		// the history without a gap in the offsets to show it, so it is logged.
		return this.history.append(name, data, retention)
			.map(Optional::of)
			.onErrorResume((ex) -> {
				logger.warn("Event '{}' could not be appended to its history: {}", name, ex.getMessage());
				return Mono.just(Optional.empty());
			})
			.defaultIfEmpty(Optional.empty())
			.flatMap((entry) -> toOtherNodes(name, entry.isPresent() ? deliverHere(name, entry.get(), data, origin)
					: deliverHere(name, data, origin)));
	}

	private Mono<Void> deliver(String name, byte[] data, String origin) {
		return toOtherNodes(name, deliverHere(name, data, origin));
	}

	/** Delivers an event appended to its history with its position, also to the subscribers that are recovering. */
	private byte[] deliverHere(String name, HistoryEntry entry, byte[] data, String origin) {
		byte[] frame = EventFrames.frame(name, entry, data);
		this.recovery.deliver(name, frame, entry.offset(), origin);
		return frame;
	}

	private byte[] deliverHere(String name, byte[] data, String origin) {
		byte[] frame = EventFrames.frame(name, data);
		subscriptions().subscriptions().send(name, frame, origin);
		return frame;
	}

	private Mono<Void> toOtherNodes(String name, byte[] frame) {
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

	private static List<String> names(Message message) {
		if (!message.names().isEmpty()) {
			return message.names();
		}
		return (message.name() != null) ? List.of(message.name()) : List.of();
	}

}
