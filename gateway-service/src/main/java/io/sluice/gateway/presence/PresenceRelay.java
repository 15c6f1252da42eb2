package io.sluice.gateway.presence;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;

import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.PresenceAction;
import io.sluice.gateway.protocol.ProtocolException;
import io.sluice.gateway.protocol.Topic;

/**
 * Presence between gateway nodes over the bus topic {@value #BUS_TOPIC}, where every payload is an encoded presence
 * message: {@code PRESENCE_JOIN}/{@code PRESENCE_LEAVE} when a user gets their first or loses their last connection
 * on a node, and the node's full list as a {@code QUERY_ALL_RESPONSE} whose correlation id is {@value #STATE} every
 * resync interval, which doubles as its heartbeat. A node that starts sends its list as {@value #HELLO} and the
 * others answer it with theirs. A node not heard from for three intervals is gone, and so are its users.
 */
public final class PresenceRelay implements PresenceNodes, SmartLifecycle {

	/** The coarse bus topic presence travels on between nodes. */
	public static final String BUS_TOPIC = "presence";

	static final String STATE = "state";

	static final String HELLO = "hello";

	private static final Logger logger = LoggerFactory.getLogger(PresenceRelay.class);

	private static final int OUTBOUND_LIMIT = 4096;

	private final MessageBus bus;

	private final Duration interval;

	private final Scheduler scheduler;

	private final ConcurrentHashMap<String, Long> lastHeard = new ConcurrentHashMap<>();

	/** Serialises the senders of {@link #outbound}, which is replaced when the relay stops. */
	private final Object outboundLock = new Object();

	/**
	 * One queue, drained in order by one subscription, so that logins and logouts reach the bus in order.
	 * A stopped relay (a paused application context) gets a new one: the drain's subscription was cancelled, and a
	 * unicast queue takes one subscriber in its life.
	 */
	private volatile Sinks.Many<Outgoing> outbound = newOutbound();

	private PresenceHandler handler;

	private volatile Disposable running;

	PresenceRelay(MessageBus bus, Duration interval, Scheduler scheduler) {
		this.bus = bus;
		this.interval = interval;
		this.scheduler = scheduler;
	}

	void attach(PresenceHandler handler) {
		this.handler = handler;
	}

	@Override
	public void joined(String user) {
		enqueue(null, Message.builder(Topic.PRESENCE, PresenceAction.PRESENCE_JOIN).name(user).build());
	}

	@Override
	public void left(String user) {
		enqueue(null, Message.builder(Topic.PRESENCE, PresenceAction.PRESENCE_LEAVE).name(user).build());
	}

	@Override
	public void start() {
		// Not in a request path: these live as long as the gateway; the bus subscription resubscribes if it fails.
		Disposable drain = this.outbound.asFlux()
			// Delivered off the caller's thread: callers hold locks, and a bus may deliver synchronously.
			.publishOn(this.scheduler)
			.concatMap((outgoing) -> deliver(outgoing).onErrorResume((ex) -> {
				logger.warn("Presence message was lost: {}", ex.getMessage());
				return Mono.empty();
			}))
			.subscribe();
		Disposable inbound = this.bus.subscribe(BUS_TOPIC)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5))
				.doBeforeRetry((signal) -> logger.warn("Presence bus subscription failed; resubscribing",
						signal.failure())))
			.subscribe(this::onBusMessage, (ex) -> logger.error("Presence bus subscription ended", ex));
		Disposable resync = Flux.interval(this.interval, this.interval, this.scheduler).subscribe((tick) -> resync());
		this.running = Disposables.composite(drain, inbound, resync);
		enqueue(null, state(HELLO));
	}

	@Override
	public void stop() {
		Disposable current = this.running;
		if (current != null) {
			current.dispose();
			synchronized (this.outboundLock) {
				this.outbound = newOutbound();
			}
		}
		this.running = null;
	}

	private static Sinks.Many<Outgoing> newOutbound() {
		return Sinks.many().unicast().onBackpressureBuffer(Queues.<Outgoing>get(OUTBOUND_LIMIT).get());
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

	/** Announces this node's users and forgets the nodes not heard from for three intervals. */
	void resync() {
		enqueue(null, state(STATE));
		long silentSince = now() - 3 * this.interval.toMillis();
		for (Map.Entry<String, Long> entry : this.lastHeard.entrySet()) {
			if (entry.getValue() < silentSince && this.lastHeard.remove(entry.getKey(), entry.getValue())) {
				logger.info("Gateway node {} has not been heard from; its users are offline", entry.getKey());
				this.handler.nodeState(entry.getKey(), Set.of());
			}
		}
	}

	void onBusMessage(BusMessage busMessage) {
		Message message;
		try {
			message = MessageCodec.decode(busMessage.payload());
		}
		catch (ProtocolException ex) {
			logger.warn("Dropping a presence message from node {} that is not a deepstream message: {}",
					busMessage.from(), ex.getMessage());
			return;
		}
		String node = busMessage.from();
		if (message.topic() != Topic.PRESENCE) {
			logger.warn("Dropping {} from node {}: not presence", message, node);
			return;
		}
		this.lastHeard.put(node, now());
		switch (message.action()) {
			case PresenceAction.PRESENCE_JOIN -> this.handler.nodeJoined(node, message.name());
			case PresenceAction.PRESENCE_LEAVE -> this.handler.nodeLeft(node, message.name());
			case PresenceAction.QUERY_ALL_RESPONSE -> {
				this.handler.nodeState(node, Set.copyOf(message.names()));
				if (HELLO.equals(message.correlationId())) {
					enqueue(node, state(STATE));
				}
			}
			default -> logger.debug("Ignoring {} from node {}", message, node);
		}
	}

	private Message state(String kind) {
		return Message.builder(Topic.PRESENCE, PresenceAction.QUERY_ALL_RESPONSE).correlationId(kind)
			.names(List.copyOf(this.handler.usersHere())).build();
	}

	private void enqueue(String node, Message message) {
		Sinks.EmitResult result;
		// Serialised: logins, closes and the timer send from different threads.
		synchronized (this.outboundLock) {
			result = this.outbound.tryEmitNext(new Outgoing(node, MessageCodec.encode(message)));
		}
		if (result.isFailure()) {
			// Fail open: the next resync repairs what the other nodes missed.
			logger.warn("Presence message {} dropped ({})", message, result);
		}
	}

	private Mono<Void> deliver(Outgoing outgoing) {
		return (outgoing.node != null) ? this.bus.send(outgoing.node, BUS_TOPIC, outgoing.payload)
				: this.bus.publish(BUS_TOPIC, outgoing.payload);
	}

	private long now() {
		return this.scheduler.now(TimeUnit.MILLISECONDS);
	}

	private record Outgoing(String node, byte[] payload) {

	}

}
