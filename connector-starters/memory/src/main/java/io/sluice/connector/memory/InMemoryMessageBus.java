package io.sluice.connector.memory;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

import io.sluice.connector.AbstractMessageBus;
import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;

/**
 * A {@link MessageBus} node whose messages travel through a {@link Medium} shared by the nodes of one JVM.
 *
 * <p>Delivery happens on the caller's thread during {@link #publish} or {@link #send}, straight into each
 * subscriber's buffer, so messages of one sender reach each subscriber in the order sent. Buffers are
 * unbounded: a slow subscriber costs memory, never a lost or reordered message. Payloads are not copied:
 * callers must not change the arrays they hand over or get back.
 *
 * <p>A message that no other node would receive when {@code publish} or {@code send} is called (a node alone on
 * its medium, as an all-in-one server is) is dropped there and then: the call returns an empty {@code Mono} and
 * costs nothing more. At most once allows it, since no node was subscribed when the message passed.
 */
public final class InMemoryMessageBus extends AbstractMessageBus {

	private final Medium medium;

	public InMemoryMessageBus(String nodeId, Medium medium) {
		super(nodeId);
		this.medium = Objects.requireNonNull(medium, "medium");
	}

	@Override
	protected Mono<Void> deliver(String topic, String targetNode, byte[] payload) {
		if (!this.medium.reachesOtherThan(topic, nodeId(), targetNode)) {
			return Mono.empty();
		}
		return Mono.fromRunnable(() -> this.medium.deliver(new BusMessage(topic, nodeId(), targetNode, payload)));
	}

	@Override
	public Flux<BusMessage> subscribe(String topic) {
		Objects.requireNonNull(topic, "topic");
		// Flux.create serialises concurrent senders into the subscriber's buffer without spinning.
		return Flux.create((sink) -> this.medium.add(topic, new Subscriber(nodeId(), sink)));
	}

	/**
	 * What the nodes of one JVM share: the subscribers of each topic. Topics without subscribers hold nothing.
	 */
	public static final class Medium {

		private final ConcurrentHashMap<String, CopyOnWriteArrayList<Subscriber>> topics = new ConcurrentHashMap<>();

		void add(String topic, Subscriber subscriber) {
			this.topics.compute(topic, (name, subscribers) -> {
				CopyOnWriteArrayList<Subscriber> all = (subscribers != null) ? subscribers
						: new CopyOnWriteArrayList<>();
				all.add(subscriber);
				return all;
			});
			subscriber.sink.onDispose(() -> this.topics.computeIfPresent(topic, (name, subscribers) -> {
				subscribers.remove(subscriber);
				return subscribers.isEmpty() ? null : subscribers;
			}));
		}

		/**
		 * Whether a message on {@code topic} from node {@code from} (to {@code target}, or to all if {@code null})
		 * would reach any subscriber now.
		 */
		boolean reachesOtherThan(String topic, String from, String target) {
			CopyOnWriteArrayList<Subscriber> subscribers = this.topics.get(topic);
			if (subscribers != null) {
				for (Subscriber subscriber : subscribers) {
					if (subscriber.accepts(from, target)) {
						return true;
					}
				}
			}
			return false;
		}

		void deliver(BusMessage message) {
			CopyOnWriteArrayList<Subscriber> subscribers = this.topics.get(message.topic());
			if (subscribers == null) {
				return;
			}
			for (Subscriber subscriber : subscribers) {
				if (subscriber.accepts(message.from(), message.to())) {
					subscriber.sink.next(message);
				}
			}
		}

	}

	/** One subscription of one node to one topic. */
	private static final class Subscriber {

		private final String nodeId;

		private final FluxSink<BusMessage> sink;

		Subscriber(String nodeId, FluxSink<BusMessage> sink) {
			this.nodeId = nodeId;
			this.sink = sink;
		}

		/** Never a node's own message; a direct message only at its target. */
		boolean accepts(String from, String to) {
			return !this.nodeId.equals(from) && (to == null || this.nodeId.equals(to));
		}

	}

}
