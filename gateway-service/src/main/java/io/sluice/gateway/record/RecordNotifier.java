package io.sluice.gateway.record;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.LifelongFeed;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordService;

/**
 * Tells this node's subscribers of every record change, from whichever node it was made on. One subscription to
 * the change feed per gateway; each change is encoded once and the same bytes go to every subscriber, except the
 * connection that made it (its {@code origin}), which already knows.
 */
public final class RecordNotifier extends LifelongFeed<RecordChange> {

	private static final Logger logger = LoggerFactory.getLogger(RecordNotifier.class);

	/** How many records' newest versions are kept before those without subscribers are forgotten. */
	static final int FORGET_ABOVE = 10_000;

	private final RecordService records;

	private final Subscriptions subscriptions;

	/**
	 * The newest version this node told subscribers of, per record that has subscribers. Changes reach the bus
	 * from whichever record-service instance owns a record at the time, so after its owner changed (an instance
	 * lost or back) an older change can arrive after a newer one: it is dropped rather than sent. A subscription's
	 * first read is held to it too ({@link RecordReads}).
	 */
	private final Map<String, Long> newest = new ConcurrentHashMap<>();

	/** Changes arrive one at a time, on the feed's thread. */
	private int forgetAbove = FORGET_ABOVE;

	RecordNotifier(RecordService records, Subscriptions subscriptions) {
		super("Record change feed");
		this.records = records;
		this.subscriptions = subscriptions;
	}

	@Override
	protected Flux<RecordChange> source() {
		return this.records.changes();
	}

	@Override
	protected void receive(RecordChange change) {
		try {
			if (change.kind() == RecordChange.Kind.DELETE) {
				deleted(this.subscriptions, change.name(), change.origin());
				return;
			}
			if (this.subscriptions.subscribers(change.name()).isEmpty()) {
				this.newest.remove(change.name());
				return;
			}
			Long told = this.newest.get(change.name());
			if (told != null && change.version() < told) {
				logger.debug("Dropped record {} v{}: its subscribers were told of v{}", change.name(), change.version(),
						told);
				return;
			}
			if (told == null && this.newest.size() >= this.forgetAbove) {
				// Records whose subscribers all left since their last change; then room for as many again.
				this.newest.keySet().removeIf((name) -> this.subscriptions.subscribers(name).isEmpty());
				this.forgetAbove = Math.max(FORGET_ABOVE, this.newest.size() * 2);
			}
			this.newest.put(change.name(), change.version());
			this.subscriptions.send(change.name(), MessageCodec.encode(toMessage(change)), change.origin());
		}
		catch (RuntimeException ex) {
			logger.error("Notifying subscribers of a change to record {} failed", change.name(), ex);
		}
	}

	/** The newest version of the record this node told its subscribers of, or -1. */
	long newestTold(String name) {
		Long told = this.newest.get(name);
		return (told != null) ? told : -1;
	}

	/** DELETED to every subscriber but the deleter; then no one is subscribed any more, as in deepstream. */
	static void deleted(Subscriptions subscriptions, String name, String deleterId) {
		if (!subscriptions.subscribers(name).isEmpty()) {
			byte[] frame = MessageCodec.encode(Message.builder(Topic.RECORD, RecordAction.DELETED).name(name).build());
			subscriptions.send(name, frame, deleterId);
			subscriptions.removeName(name);
		}
	}

	private static Message toMessage(RecordChange change) {
		switch (change.kind()) {
			case PATCH:
				return Message.builder(Topic.RECORD, RecordAction.PATCH).name(change.name()).version(change.version())
					.path(change.path()).data(change.value()).build();
			case ERASE:
				return Message.builder(Topic.RECORD, RecordAction.ERASE).name(change.name()).version(change.version())
					.path(change.path()).build();
			default:
				return Message.builder(Topic.RECORD, RecordAction.UPDATE).name(change.name()).version(change.version())
					.data(change.record().data()).build();
		}
	}

}
