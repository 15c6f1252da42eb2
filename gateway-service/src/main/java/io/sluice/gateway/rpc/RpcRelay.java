package io.sluice.gateway.rpc;

import java.time.Duration;
import java.util.ArrayList;
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
import io.sluice.gateway.protocol.ProtocolException;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

/**
 * RPC between gateway nodes over the bus topic {@value #BUS_TOPIC}, where every payload is an encoded RPC message.
 * Published to all: {@code PROVIDE}/{@code UNPROVIDE} with the names a node gained its first or lost its last
 * provider of; and its full list, as a {@code PROVIDE} whose correlation id is {@value #STATE}, every resync
 * interval, which doubles as its heartbeat. A node that starts publishes its list as {@value #HELLO}, and the others
 * answer it with theirs. Sent to one node: the messages of calls routed between them. A node not heard from for
 * three intervals is gone: its providers are forgotten and its calls fail.
 */
public final class RpcRelay implements RpcNodes, SmartLifecycle {

	/** The coarse bus topic RPC travels on between nodes. */
	public static final String BUS_TOPIC = "rpc";

	static final String STATE = "state";

	static final String HELLO = "hello";

	private static final Logger logger = LoggerFactory.getLogger(RpcRelay.class);

	private static final int OUTBOUND_LIMIT = 4096;

	private final MessageBus bus;

	private final RpcProperties properties;

	private final Scheduler scheduler;

	private final ConcurrentHashMap<String, Set<String>> namesByNode = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<String, Long> lastHeard = new ConcurrentHashMap<>();

	/** Serialises the senders of {@link #outbound}, which is replaced when the relay stops. */
	private final Object outboundLock = new Object();

	/**
	 * One queue, drained in order by one subscription, so nothing in a request path subscribes to the bus.
	 * A stopped relay (a paused application context) gets a new one: the drain's subscription was cancelled, and a
	 * unicast queue takes one subscriber in its life.
	 */
	private volatile Sinks.Many<Outgoing> outbound = newOutbound();

	private RpcHandler handler;

	private LocalProviders providers;

	private volatile Disposable running;

	RpcRelay(MessageBus bus, RpcProperties properties, Scheduler scheduler) {
		this.bus = bus;
		this.properties = properties;
		this.scheduler = scheduler;
	}

	/** Completes the wiring: the relay hands what arrives to the handler, and announces its providers. */
	void attach(RpcHandler handler, LocalProviders providers) {
		this.handler = handler;
		this.providers = providers;
	}

	@Override
	public List<String> providing(String name) {
		List<String> nodes = new ArrayList<>(1);
		for (Map.Entry<String, Set<String>> entry : this.namesByNode.entrySet()) {
			if (entry.getValue().contains(name)) {
				nodes.add(entry.getKey());
			}
		}
		return nodes;
	}

	@Override
	public void send(String node, Message message) {
		enqueue(new Outgoing(node, MessageCodec.encode(message)));
	}

	@Override
	public void send(String node, byte[] frame) {
		enqueue(new Outgoing(node, frame));
	}

	@Override
	public void provided(List<String> names) {
		publish(RpcAction.PROVIDE, null, names);
	}

	@Override
	public void unprovided(List<String> names) {
		publish(RpcAction.UNPROVIDE, null, names);
	}

	@Override
	public void start() {
		Duration interval = this.properties.resyncInterval();
		// Not in a request path: these live as long as the gateway; the bus subscription resubscribes if it fails.
		Disposable drain = this.outbound.asFlux()
			// Delivered off the caller's thread: callers hold locks, and a bus may deliver synchronously.
			.publishOn(this.scheduler)
			.concatMap((outgoing) -> deliver(outgoing).onErrorResume((ex) -> {
				logger.warn("RPC message to {} was lost: {}", (outgoing.node != null) ? outgoing.node : "all nodes",
						ex.getMessage());
				return Mono.empty();
			}))
			.subscribe();
		Disposable inbound = this.bus.subscribe(BUS_TOPIC)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5))
				.doBeforeRetry((signal) -> logger.warn("RPC bus subscription failed; resubscribing", signal.failure())))
			.subscribe(this::onBusMessage, (ex) -> logger.error("RPC bus subscription ended", ex));
		Disposable resync = Flux.interval(interval, interval, this.scheduler).subscribe((tick) -> resync());
		this.running = Disposables.composite(drain, inbound, resync);
		publish(RpcAction.PROVIDE, HELLO, this.providers.names());
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

	/** Announces this node's full list and forgets the nodes not heard from for three intervals. */
	void resync() {
		publish(RpcAction.PROVIDE, STATE, this.providers.names());
		long silentSince = now() - 3 * this.properties.resyncInterval().toMillis();
		for (Map.Entry<String, Long> entry : this.lastHeard.entrySet()) {
			if (entry.getValue() < silentSince && this.lastHeard.remove(entry.getKey(), entry.getValue())) {
				logger.info("Gateway node {} has not been heard from; forgetting its RPC providers", entry.getKey());
				this.namesByNode.remove(entry.getKey());
				this.handler.endpointGone(new RpcEndpoint.Node(entry.getKey(), this));
			}
		}
	}

	void onBusMessage(BusMessage busMessage) {
		Message message;
		try {
			message = MessageCodec.decode(busMessage.payload());
		}
		catch (ProtocolException ex) {
			logger.warn("Dropping an RPC message from node {} that is not a deepstream message: {}", busMessage.from(),
					ex.getMessage());
			return;
		}
		if (message.topic() != Topic.RPC) {
			logger.warn("Dropping {} from node {}: not RPC", message, busMessage.from());
			return;
		}
		String node = busMessage.from();
		this.lastHeard.put(node, now());
		switch (message.action()) {
			case RpcAction.PROVIDE -> onProvide(node, message);
			case RpcAction.UNPROVIDE -> {
				Set<String> names = this.namesByNode.get(node);
				if (names != null) {
					message.names().forEach(names::remove);
				}
			}
			case RpcAction.REQUEST -> this.handler.request(new RpcEndpoint.Node(node, this), message, false);
			case RpcAction.ACCEPT, RpcAction.REJECT, RpcAction.RESPONSE, RpcAction.REQUEST_ERROR,
					RpcAction.NO_RPC_PROVIDER, RpcAction.ACCEPT_TIMEOUT, RpcAction.RESPONSE_TIMEOUT ->
				this.handler.fromProvider(new RpcEndpoint.Node(node, this), message);
			default -> logger.debug("Ignoring {} from node {}", message, node);
		}
	}

	private void onProvide(String node, Message message) {
		if (STATE.equals(message.correlationId()) || HELLO.equals(message.correlationId())) {
			Set<String> names = ConcurrentHashMap.newKeySet();
			names.addAll(message.names());
			this.namesByNode.put(node, names);
			if (HELLO.equals(message.correlationId())) {
				send(node, Message.builder(Topic.RPC, RpcAction.PROVIDE).correlationId(STATE)
					.names(this.providers.names()).build());
			}
			return;
		}
		this.namesByNode.computeIfAbsent(node, (key) -> ConcurrentHashMap.newKeySet()).addAll(message.names());
	}

	private void publish(int action, String correlationId, List<String> names) {
		enqueue(new Outgoing(null, MessageCodec
			.encode(Message.builder(Topic.RPC, action).correlationId(correlationId).names(names).build())));
	}

	private void enqueue(Outgoing outgoing) {
		Sinks.EmitResult result;
		// Serialised: calls, closes and timers send from different threads.
		synchronized (this.outboundLock) {
			result = this.outbound.tryEmitNext(outgoing);
		}
		if (result.isFailure()) {
			// Fail open: a lost call message ends in a timeout, a lost announcement is repaired by the next resync.
			logger.warn("RPC message to {} dropped ({})", (outgoing.node != null) ? outgoing.node : "all nodes", result);
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
