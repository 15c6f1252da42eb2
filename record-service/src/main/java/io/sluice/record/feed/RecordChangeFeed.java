package io.sluice.record.feed;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.sluice.connector.MessageBus;
import io.sluice.record.RecordChange;

/**
 * The feed of durable record changes: those made through this node, handed over in-process, and those other
 * nodes publish on the message bus's {@value #TOPIC} topic (the bus never hands a node its own messages, so
 * nothing arrives twice).
 */
public final class RecordChangeFeed {

	public static final String TOPIC = "records";

	private static final Logger logger = LoggerFactory.getLogger(RecordChangeFeed.class);

	private final MessageBus bus;

	private final Sinks.Many<RecordChange> local = Sinks.many().multicast().directBestEffort();

	private final Flux<RecordChange> changes;

	public RecordChangeFeed(MessageBus bus) {
		this.bus = bus;
		Flux<RecordChange> remote = bus.subscribe(TOPIC).handle((message, sink) -> {
			try {
				sink.next(RecordChangeCodec.decode(message.payload()));
			}
			catch (IllegalArgumentException ex) {
				logger.warn("Dropped a record change from node {}: {}", message.from(), ex.getMessage());
			}
		});
		this.changes = Flux.merge(this.local.asFlux(), remote).publish().refCount();
	}

	public Flux<RecordChange> changes() {
		return this.changes;
	}

	/**
	 * Announces a durable change here and to the other nodes. The write is already durable, so a bus failure
	 * does not fail it (fail open): other nodes' subscribers miss this notice and catch up on the next change
	 * or read.
	 */
	public Mono<Void> announce(RecordChange change) {
		// Writers of different records announce from different threads; the sink needs one at a time.
		synchronized (this.local) {
			this.local.tryEmitNext(change);
		}
		return this.bus.publish(TOPIC, RecordChangeCodec.encode(change)).onErrorResume((ex) -> {
			logger.warn("Could not publish the change to record '{}' v{} on the bus: {}", change.name(),
					change.version(), ex.getMessage());
			return Mono.empty();
		});
	}

}
