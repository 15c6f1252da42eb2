package io.sluice.gateway.cluster;

import java.time.Duration;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;
import reactor.util.retry.Retry;

import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;

/**
 * One bus topic that gateway nodes share a capability's messages on, as this node uses it. What it publishes or
 * sends goes out through one bounded queue, drained in order by one subscription off the caller's thread (callers
 * hold locks, and a bus may deliver synchronously), so nothing in a request path subscribes to the bus. What arrives
 * goes to one receiver, through a subscription that resubscribes when the bus fails.
 *
 * <p>It can be stopped and started again (a paused application context). A stopped topic gets a new queue: the
 * drain's subscription was cancelled, and a unicast queue takes one subscriber in its life. What is sent while it
 * is stopped waits there for the next start.
 */
public final class ClusterTopic {

	private static final Logger logger = LoggerFactory.getLogger(ClusterTopic.class);

	private static final int OUTBOUND_LIMIT = 4096;

	private final MessageBus bus;

	private final String topic;

	private final Scheduler scheduler;

	/** Serialises the senders of {@link #outbound}, which is replaced when the topic stops. */
	private final Object outboundLock = new Object();

	private volatile Sinks.Many<Outgoing> outbound = newOutbound();

	private volatile Disposable running;

	ClusterTopic(MessageBus bus, String topic, Scheduler scheduler) {
		this.bus = bus;
		this.topic = topic;
		this.scheduler = scheduler;
	}

	/** Starts delivering what is sent, and handing {@code receiver} what other nodes send on this topic. */
	public void start(Consumer<BusMessage> receiver) {
		// Not in a request path: these live as long as the gateway; the bus subscription resubscribes if it fails.
		Disposable drain = this.outbound.asFlux()
			.publishOn(this.scheduler)
			.concatMap((outgoing) -> deliver(outgoing).onErrorResume((ex) -> {
				logger.warn("Message on bus topic {} to {} was lost: {}", this.topic, target(outgoing),
						ex.getMessage());
				return Mono.empty();
			}))
			.subscribe();
		Disposable inbound = this.bus.subscribe(this.topic)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5))
				.doBeforeRetry((signal) -> logger.warn("Subscription to bus topic {} failed; resubscribing",
						this.topic, signal.failure())))
			.subscribe(receiver, (ex) -> logger.error("Subscription to bus topic {} ended", this.topic, ex));
		this.running = Disposables.composite(drain, inbound);
	}

	/** Stops receiving, and delivering what is queued. */
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

	public boolean isRunning() {
		return this.running != null;
	}

	/** Queues {@code payload} for every other node; never blocks, never throws for a bus failure. */
	public void publish(byte[] payload) {
		enqueue(new Outgoing(null, payload));
	}

	/** Queues {@code payload} for {@code node} only; never blocks, never throws for a bus failure. */
	public void send(String node, byte[] payload) {
		enqueue(new Outgoing(node, payload));
	}

	/**
	 * Queues a capability's state: for {@code node} only when one is named (it just joined), for every other node
	 * when it is {@code null} (the periodic resync), as {@link ClusterCapability#sendState} asks.
	 */
	public void sendState(String node, byte[] state) {
		enqueue(new Outgoing(node, state));
	}

	private void enqueue(Outgoing outgoing) {
		Sinks.EmitResult result;
		// Serialised: connections, closes and timers send from different threads.
		synchronized (this.outboundLock) {
			result = this.outbound.tryEmitNext(outgoing);
		}
		if (result.isFailure()) {
			// Fail open: a lost call message ends in a timeout, lost state is repaired by the next resync.
			logger.warn("Message on bus topic {} to {} dropped ({})", this.topic, target(outgoing), result);
		}
	}

	private Mono<Void> deliver(Outgoing outgoing) {
		return (outgoing.node != null) ? this.bus.send(outgoing.node, this.topic, outgoing.payload)
				: this.bus.publish(this.topic, outgoing.payload);
	}

	private static String target(Outgoing outgoing) {
		return (outgoing.node != null) ? outgoing.node : "all nodes";
	}

	private static Sinks.Many<Outgoing> newOutbound() {
		return Sinks.many().unicast().onBackpressureBuffer(Queues.<Outgoing>get(OUTBOUND_LIMIT).get());
	}

	private record Outgoing(String node, byte[] payload) {

	}

}
