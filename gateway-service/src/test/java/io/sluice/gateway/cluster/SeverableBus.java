package io.sluice.gateway.cluster;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;
import io.sluice.connector.memory.InMemoryMessageBus;

/**
 * A node's in-memory bus that can be cut off, as the bus of a node that crashed or lost its network is: after
 * {@link #sever()} it sends nothing and hears nothing, and it says no goodbye. It can also hold back what one other
 * node sends it, and let it through later in the order sent ({@link #hold}, {@link #release}), as a slower path
 * between two nodes does: the order between two senders is the bus's to choose, the order of one sender's is not.
 */
final class SeverableBus implements MessageBus {

	/** How many messages may be held back at once, per topic. */
	private static final int HELD_LIMIT = 1024;

	private final InMemoryMessageBus bus;

	private volatile boolean severed;

	/** What is held back, by sender: while a sender is here, all it sends waits, in order. */
	private final Map<String, Queue<Runnable>> held = new HashMap<>();

	SeverableBus(String nodeId, InMemoryMessageBus.Medium medium) {
		this.bus = new InMemoryMessageBus(nodeId, medium);
	}

	void sever() {
		this.severed = true;
	}

	void restore() {
		this.severed = false;
	}

	/** From now on what {@code node} sends this node waits until {@link #release}. */
	synchronized void hold(String node) {
		this.held.putIfAbsent(node, new ArrayDeque<>());
	}

	/** Delivers what {@code node} sent since {@link #hold}, in the order sent, and no longer holds it back. */
	void release(String node) {
		Queue<Runnable> waiting;
		synchronized (this) {
			waiting = this.held.remove(node);
		}
		if (waiting != null) {
			waiting.forEach(Runnable::run);
		}
	}

	@Override
	public String nodeId() {
		return this.bus.nodeId();
	}

	@Override
	public Mono<Void> publish(String topic, byte[] payload) {
		return this.severed ? Mono.empty() : this.bus.publish(topic, payload);
	}

	@Override
	public Mono<Void> send(String targetNode, String topic, byte[] payload) {
		return this.severed ? Mono.empty() : this.bus.send(targetNode, topic, payload);
	}

	@Override
	public Flux<BusMessage> subscribe(String topic) {
		return this.bus.subscribe(topic).filter((message) -> !this.severed).flatMap(this::unlessHeld, HELD_LIMIT);
	}

	/** The message now, or nothing now and the message through {@code later} once its sender is released. */
	private Flux<BusMessage> unlessHeld(BusMessage message) {
		Sinks.One<BusMessage> later = Sinks.one();
		synchronized (this) {
			Queue<Runnable> waiting = this.held.get(message.from());
			if (waiting == null) {
				return Flux.just(message);
			}
			waiting.add(() -> later.tryEmitValue(message));
		}
		return later.asMono().flux();
	}

}
