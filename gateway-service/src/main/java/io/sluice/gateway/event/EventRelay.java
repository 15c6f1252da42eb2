package io.sluice.gateway.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.ProtocolException;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.LifelongFeed;
import io.sluice.gateway.pubsub.Subscriptions;

/**
 * Hands the events other nodes publish to this node's subscribers. The bus payload is the encoded EMIT frame
 * itself, so it is forwarded as it came; it is decoded only to learn the event's name.
 */
public final class EventRelay extends LifelongFeed<BusMessage> {

	/** The coarse bus topic events travel on between nodes. */
	public static final String BUS_TOPIC = "events";

	private static final Logger logger = LoggerFactory.getLogger(EventRelay.class);

	private final MessageBus bus;

	private final Subscriptions subscriptions;

	/** Where events with an offset are delivered, or {@code null} when no name keeps history. */
	private final EventRecovery recovery;

	EventRelay(MessageBus bus, Subscriptions subscriptions, EventRecovery recovery) {
		super("Event bus subscription");
		this.bus = bus;
		this.subscriptions = subscriptions;
		this.recovery = recovery;
	}

	@Override
	protected Flux<BusMessage> source() {
		return this.bus.subscribe(BUS_TOPIC);
	}

	@Override
	protected void receive(BusMessage busMessage) {
		Message message;
		try {
			message = MessageCodec.decode(busMessage.payload());
		}
		catch (ProtocolException ex) {
			logger.warn("Dropping an event from node {} that is not a deepstream message: {}", busMessage.from(),
					ex.getMessage());
			return;
		}
		if (message.topic() != Topic.EVENT || message.action() != EventAction.EMIT || message.name() == null) {
			logger.warn("Dropping {} from node {}: not an event", message, busMessage.from());
			return;
		}
		if (this.recovery != null && message.position() != null && message.position().offset() != null) {
			this.recovery.deliver(message.name(), busMessage.payload(), message.position().offset(), null);
		}
		else {
			this.subscriptions.send(message.name(), busMessage.payload(), null);
		}
	}

}
