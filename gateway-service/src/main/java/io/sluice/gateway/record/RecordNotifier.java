package io.sluice.gateway.record;

import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.LifelongFeed;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.session.Connection;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordService;

/**
 * Tells this node's subscribers of every record change, from whichever node it was made on. One subscription to
 * the change feed per gateway; each change is encoded once and the same bytes go to every subscriber, except the
 * connection that made it (its {@code origin}), which already knows.
 *
 * <p>A subscription's read is answered through {@link #answer} in order with the changes sent: a connection that was
 * sent an update is never answered a read, after it, of an older version.
 */
public final class RecordNotifier extends LifelongFeed<RecordChange> {

	private static final Logger logger = LoggerFactory.getLogger(RecordNotifier.class);

	/** How many records' newest versions are kept before those without subscribers are forgotten. */
	static final int FORGET_ABOVE = 10_000;

	/** How many locks the names share (a power of two). */
	private static final int STRIPES = 64;

	private final RecordService records;

	private final Subscriptions subscriptions;

	/**
	 * The newest version this node told subscribers of, per record that has subscribers. Changes reach the bus
	 * from whichever record-service instance owns a record at the time, so after its owner changed (an instance
	 * lost or back) an older change can arrive after a newer one: it is dropped rather than sent. A read answered
	 * to a subscriber is held to it too ({@link #answer}).
	 */
	private final Map<String, VersionedRecord> newest = new ConcurrentHashMap<>();

	/**
	 * Held, for a record's name, while its change is sent to its subscribers or a read of it answered, so that the
	 * two reach a connection in the order the newest version was decided in. Striped: a lock per name would cost a
	 * map entry per record, one lock for all would make every read's answer wait for every fan-out.
	 */
	private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

	/** Changes arrive one at a time, on the feed's thread. */
	private int forgetAbove = FORGET_ABOVE;

	RecordNotifier(RecordService records, Subscriptions subscriptions) {
		super("Record change feed");
		this.records = records;
		this.subscriptions = subscriptions;
		for (int i = 0; i < STRIPES; i++) {
			this.stripes[i] = new ReentrantLock();
		}
	}

	@Override
	protected Flux<RecordChange> source() {
		return this.records.changes();
	}

	@Override
	protected void receive(RecordChange change) {
		ReentrantLock lock = stripe(change.name());
		lock.lock();
		try {
			if (change.kind() == RecordChange.Kind.DELETE) {
				this.newest.remove(change.name());
				deleted(this.subscriptions, change.name(), change.origin());
				return;
			}
			if (this.subscriptions.subscribers(change.name()).isEmpty()) {
				this.newest.remove(change.name());
				return;
			}
			VersionedRecord told = this.newest.get(change.name());
			if (told != null && change.version() < told.version()) {
				logger.debug("Dropped record {} v{}: its subscribers were told of v{}", change.name(), change.version(),
						told.version());
				return;
			}
			if (told == null && this.newest.size() >= this.forgetAbove) {
				// Records whose subscribers all left since their last change; then room for as many again.
				this.newest.keySet().removeIf((name) -> this.subscriptions.subscribers(name).isEmpty());
				this.forgetAbove = Math.max(FORGET_ABOVE, this.newest.size() * 2);
			}
			this.newest.put(change.name(), change.record());
			this.subscriptions.send(change.name(), MessageCodec.encode(toMessage(change)), change.origin());
		}
		catch (RuntimeException ex) {
			logger.error("Notifying subscribers of a change to record {} failed", change.name(), ex);
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Sends a connection the answer to its read of a record, made by {@code reply} from the record as read (or
	 * {@code null} when there was none) or, when this node already told the record's subscribers of a newer version,
	 * from that one: the read may have been under way while the newer change was sent to the connection, and it
	 * must not then be answered an older version after it. Sent in order with the changes to the record.
	 */
	void answer(Connection connection, String name, VersionedRecord read, Function<VersionedRecord, Message> reply) {
		ReentrantLock lock = stripe(name);
		lock.lock();
		try {
			connection.send(reply.apply(newer(name, read)));
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Sends a connection the answer to its head of many records, as {@link #answer} does for one: each version no
	 * older than the one this node told the record's subscribers of.
	 * @param versions each record's version as read, -1 for none; raised where a newer one was told
	 */
	void answerVersions(Connection connection, Map<String, Long> versions, Function<Map<String, Long>, Message> reply) {
		BitSet held = new BitSet(STRIPES);
		for (String name : versions.keySet()) {
			held.set(stripeIndex(name));
		}
		// In one order, so that two answers never wait for each other.
		for (int i = held.nextSetBit(0); i >= 0; i = held.nextSetBit(i + 1)) {
			this.stripes[i].lock();
		}
		try {
			versions.replaceAll((name, version) -> {
				VersionedRecord told = this.newest.get(name);
				return (told != null && told.version() > version) ? told.version() : version;
			});
			connection.send(reply.apply(versions));
		}
		finally {
			for (int i = held.nextSetBit(0); i >= 0; i = held.nextSetBit(i + 1)) {
				this.stripes[i].unlock();
			}
		}
	}

	private VersionedRecord newer(String name, VersionedRecord read) {
		VersionedRecord told = this.newest.get(name);
		return (told != null && (read == null || told.version() > read.version())) ? told : read;
	}

	private ReentrantLock stripe(String name) {
		return this.stripes[stripeIndex(name)];
	}

	private static int stripeIndex(String name) {
		int hash = name.hashCode();
		return (hash ^ (hash >>> 16)) & (STRIPES - 1);
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
