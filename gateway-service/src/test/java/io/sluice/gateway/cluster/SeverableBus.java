package io.sluice.gateway.cluster;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;
import io.sluice.connector.memory.InMemoryMessageBus;

/**
 * A node's in-memory bus that can be cut off, as the bus of a node that crashed or lost its network is: after
 * {@link #sever()} it sends nothing and hears nothing, and it says no goodbye.
 */
final class SeverableBus implements MessageBus {

	private final InMemoryMessageBus bus;

	private volatile boolean severed;

	SeverableBus(String nodeId, InMemoryMessageBus.Medium medium) {
		this.bus = new InMemoryMessageBus(nodeId, medium);
	}

	void sever() {
		this.severed = true;
	}

	void restore() {
		this.severed = false;
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
		return this.bus.subscribe(topic).filter((message) -> !this.severed);
	}

}
