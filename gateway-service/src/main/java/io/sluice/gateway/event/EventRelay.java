package io.sluice.gateway.event;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;

import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.ProtocolException;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.Subscriptions;

/**
 * Hands the events other nodes publish to this node's subscribers. The bus payload is the encoded EMIT frame
 * itself, so it is forwarded as it came; it is decoded only to learn the event's name.
 */
public final class EventRelay implements SmartLifecycle {

	/** The coarse bus topic events travel on between nodes. */
	public static final String BUS_TOPIC = "events";

	private static final Logger logger = LoggerFactory.getLogger(EventRelay.class);

	private final MessageBus bus;

	private final Subscriptions subscriptions;

	private volatile Disposable subscription;

	EventRelay(MessageBus bus, Subscriptions subscriptions) {
		this.bus = bus;
		this.subscriptions = subscriptions;
	}

	@Override
	public void start() {
		// Not in a request path: one subscription for the gateway's life, resubscribed if the bus fails.
		this.subscription = this.bus.subscribe(BUS_TOPIC)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5))
				.doBeforeRetry((signal) -> logger.warn("Event bus subscription failed; resubscribing",
						signal.failure())))
			.subscribe(this::onBusMessage, (ex) -> logger.error("Event bus subscription ended", ex));
	}

	@Override
	public void stop() {
		Disposable current = this.subscription;
		if (current != null) {
			current.dispose();
		}
		this.subscription = null;
	}

	@Override
	public boolean isRunning() {
		return this.subscription != null;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

	void onBusMessage(BusMessage busMessage) {
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
		this.subscriptions.send(message.name(), busMessage.payload(), null);
	}

}
