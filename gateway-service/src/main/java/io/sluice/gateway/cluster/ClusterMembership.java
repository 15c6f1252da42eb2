package io.sluice.gateway.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.context.SmartLifecycle;

import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;

/**
 * Which gateway nodes are alive, as this node sees it: the one view of liveness that every
 * {@link ClusterCapability} (RPC, presence) builds its copy of the other nodes' state on. On bus topic
 * {@value #BUS_TOPIC}:
 * <ul>
 * <li>A node that starts says {@code HELLO}; each node that hears it answers with a heartbeat sent to it alone,
 * takes it as joined, and has its capabilities send it their state.</li>
 * <li>Every node publishes a heartbeat every {@code heartbeat-interval}. A node not heard from for
 * {@code missed-heartbeats} intervals has expired: its capabilities' state is forgotten. What a capability hears
 * from a node on its own topic counts as hearing from it ({@link #heard}), and an unknown node heard from joins (it
 * started before this node, or came back after it expired).</li>
 * <li>Every {@code resync-interval} the capabilities publish all their state, which repairs what the bus lost.</li>
 * <li>A node that stops says {@code LEAVE}, and the others forget its state at once. The node itself forgets all
 * the others ({@link MemberEvent.Kind#LEFT} for each), and learns them again when it starts.</li>
 * </ul>
 * It starts after the capabilities' topics and stops before them, so that the answers to its hello find them
 * listening.
 */
public final class ClusterMembership implements SmartLifecycle {

	/** The bus topic heartbeats travel on. */
	public static final String BUS_TOPIC = "cluster";

	/** After the capabilities' relays ({@code DEFAULT_PHASE - 2048}): lifecycles start low to high. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2047;

	private static final Logger logger = LoggerFactory.getLogger(ClusterMembership.class);

	/** How long a stopping node waits for the bus to take its leave. */
	private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(5);

	private final MessageBus bus;

	private final ClusterProperties properties;

	private final Scheduler scheduler;

	private final ClusterTopic topic;

	private final List<ClusterCapability> capabilities = new CopyOnWriteArrayList<>();

	private final ConcurrentHashMap<String, Long> lastHeard = new ConcurrentHashMap<>();

	private volatile Disposable timers;

	/**
	 * @param scheduler what the timers run on and what tells the time; what is sent is delivered on it too
	 */
	public ClusterMembership(MessageBus bus, ClusterProperties properties, Scheduler scheduler) {
		this.bus = bus;
		this.properties = properties;
		this.scheduler = scheduler;
		this.topic = topic(BUS_TOPIC);
	}

	/** A capability's own bus topic, on this membership's bus and scheduler. */
	public ClusterTopic topic(String name) {
		return new ClusterTopic(this.bus, name, this.scheduler);
	}

	/** Has {@code capability} told of every change from now on, and asked for its state. */
	public void subscribe(ClusterCapability capability) {
		this.capabilities.add(capability);
	}

	/** This node's id on the bus, as the others know it. */
	public String nodeId() {
		return this.bus.nodeId();
	}

	/** The other nodes alive, as far as this node knows. */
	public Set<String> members() {
		return Set.copyOf(this.lastHeard.keySet());
	}

	/** The other nodes alive, each with how long ago this node last heard from it. */
	public Map<String, Duration> sinceHeard() {
		long now = now();
		Map<String, Duration> since = new TreeMap<>();
		this.lastHeard.forEach((node, heard) -> since.put(node, Duration.ofMillis(Math.max(0, now - heard))));
		return since;
	}

	/** How long a node may stay silent before this one takes it to be gone. */
	public Duration expiry() {
		return this.properties.expiry();
	}

	/**
	 * A capability heard from {@code node} on its own topic: as good as a heartbeat. An unknown node joins, so that
	 * what it said is forgotten when it goes silent.
	 */
	public void heard(String node) {
		if (this.lastHeard.put(node, now()) == null) {
			joined(node);
		}
	}

	@Override
	public void start() {
		forgetAll();
		this.topic.start(this::onBusMessage);
		Duration heartbeat = this.properties.heartbeatInterval();
		Duration resync = this.properties.resyncInterval();
		// Not in a request path: the timers live as long as the gateway.
		this.timers = Disposables.composite(
				Flux.interval(heartbeat, heartbeat, this.scheduler).subscribe((tick) -> heartbeat()),
				Flux.interval(resync, resync, this.scheduler).subscribe((tick) -> resync()));
		this.topic.publish(MembershipMessage.HELLO.encode());
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	/** Stops, and tells the others it leaves; {@code callback} runs once the bus took the leave, or gave up. */
	@Override
	public void stop(Runnable callback) {
		Disposable current = this.timers;
		if (current == null) {
			callback.run();
			return;
		}
		current.dispose();
		this.timers = null;
		this.topic.stop();
		forgetAll();
		// Straight to the bus: the topic's queue stopped with it. Not in a request path: once per stop.
		this.bus.publish(BUS_TOPIC, MembershipMessage.LEAVE.encode())
			.timeout(LEAVE_TIMEOUT, this.scheduler)
			.onErrorResume((ex) -> {
				logger.warn("Could not tell the other gateway nodes that this one leaves: {}", ex.getMessage());
				return Mono.empty();
			})
			.doFinally((signal) -> callback.run())
			.subscribe();
	}

	@Override
	public boolean isRunning() {
		return this.timers != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** Says this node is alive, and expires the nodes silent for too long. */
	void heartbeat() {
		this.topic.publish(MembershipMessage.HEARTBEAT.encode());
		long silentSince = now() - this.properties.expiry().toMillis();
		for (Map.Entry<String, Long> entry : this.lastHeard.entrySet()) {
			if (entry.getValue() < silentSince && this.lastHeard.remove(entry.getKey(), entry.getValue())) {
				logger.info("Gateway node {} has not been heard from for {}; forgetting its state", entry.getKey(),
						this.properties.expiry());
				tell(new MemberEvent(MemberEvent.Kind.EXPIRED, entry.getKey()));
			}
		}
	}

	/** Has every capability publish all its state. */
	void resync() {
		for (ClusterCapability capability : this.capabilities) {
			capability.sendState(null);
		}
	}

	void onBusMessage(BusMessage busMessage) {
		MembershipMessage message;
		try {
			message = MembershipMessage.decode(busMessage.payload());
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Dropping a message on bus topic {} from node {}: {}", BUS_TOPIC, busMessage.from(),
					ex.getMessage());
			return;
		}
		String node = busMessage.from();
		switch (message) {
			case HELLO -> {
				// Joined even if known: a node that restarted before it expired has lost what it knew.
				this.lastHeard.put(node, now());
				this.topic.send(node, MembershipMessage.HEARTBEAT.encode());
				joined(node);
			}
			case HEARTBEAT -> heard(node);
			case LEAVE -> {
				if (this.lastHeard.remove(node) != null) {
					logger.info("Gateway node {} left", node);
					tell(new MemberEvent(MemberEvent.Kind.LEFT, node));
				}
			}
		}
	}

	private void joined(String node) {
		logger.info("Gateway node {} joined", node);
		tell(new MemberEvent(MemberEvent.Kind.JOINED, node));
		for (ClusterCapability capability : this.capabilities) {
			capability.sendState(node);
		}
	}

	private void forgetAll() {
		for (String node : this.lastHeard.keySet()) {
			if (this.lastHeard.remove(node) != null) {
				tell(new MemberEvent(MemberEvent.Kind.LEFT, node));
			}
		}
	}

	private void tell(MemberEvent event) {
		for (ClusterCapability capability : this.capabilities) {
			capability.memberChanged(event);
		}
	}

	private long now() {
		return this.scheduler.now(TimeUnit.MILLISECONDS);
	}

}
