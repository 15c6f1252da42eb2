package io.sluice.connector;

import java.util.Objects;

import reactor.core.publisher.Mono;

/**
 * What every {@link MessageBus} adapter does the same way: it holds its node's id, refuses {@code null} arguments
 * when called (a {@link NullPointerException} naming the argument, not a failed {@code Mono}), and publishes and
 * sends through one {@link #deliver} that knows only whether the message has a target.
 */
public abstract class AbstractMessageBus implements MessageBus {

	private final String nodeId;

	protected AbstractMessageBus(String nodeId) {
		this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
	}

	@Override
	public final String nodeId() {
		return this.nodeId;
	}

	@Override
	public final Mono<Void> publish(String topic, byte[] payload) {
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(payload, "payload");
		return deliver(topic, null, payload);
	}

	@Override
	public final Mono<Void> send(String targetNode, String topic, byte[] payload) {
		Objects.requireNonNull(targetNode, "targetNode");
		Objects.requireNonNull(topic, "topic");
		Objects.requireNonNull(payload, "payload");
		return deliver(topic, targetNode, payload);
	}

	/**
	 * Delivers {@code payload} on {@code topic} to {@code targetNode} only, or to every other subscribed node when
	 * {@code targetNode} is {@code null}, as {@link #send} and {@link #publish} promise.
	 */
	protected abstract Mono<Void> deliver(String topic, String targetNode, byte[] payload);

}
