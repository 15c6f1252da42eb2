package io.sluice.gateway.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import io.sluice.connector.HistoryEntry;
import io.sluice.gateway.history.EventHistory;
import io.sluice.gateway.history.HistoryPage;
import io.sluice.gateway.history.HistoryQuery;
import io.sluice.gateway.listen.TopicSubscriptions;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.EventPosition;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.session.Connection;

/**
 * Subscribes with recovery: a subscribe that carries the {@code epoch} and {@code offset} of the last event a client
 * has is answered with the events it missed, in order, before any live one, and told whether that was all of them
 * ({@code recovered}).
 *
 * <p>The race between reading the history and going live is closed so: the subscriber is first registered as
 * <em>recovering</em>, so that every live event of the name delivered from then on is kept for it; then the history
 * is read (everything appended before the registration is in it); the missed events are sent; then, in one step that
 * no delivery of the name can interleave with, the subscriber joins the name's subscribers and is sent the kept
 * events whose offsets are beyond the acknowledgement's (the last one resent; when not recovered, the newest one).
 * So no live event overtakes a resent one, and none arrives twice. The step is a write lock, of one of a few stripes
 * by name, that deliveries of events with an offset take for reading; events of names without history never touch
 * it.
 */
final class EventRecovery {

	private static final Logger logger = LoggerFactory.getLogger(EventRecovery.class);

	private static final int STRIPES = 32;

	private final EventHistory history;

	private final TopicSubscriptions topic;

	private final Subscriptions subscriptions;

	private final ReentrantReadWriteLock[] stripes = new ReentrantReadWriteLock[STRIPES];

	/** The subscribers still recovering, by name; a name without any has no entry. */
	private final ConcurrentHashMap<String, List<Recovering>> recovering = new ConcurrentHashMap<>();

	EventRecovery(EventHistory history, TopicSubscriptions topic) {
		this.history = history;
		this.topic = topic;
		this.subscriptions = topic.subscriptions();
		for (int i = 0; i < STRIPES; i++) {
			this.stripes[i] = new ReentrantReadWriteLock();
		}
	}

	/**
	 * Delivers an event that has an offset to this node's subscribers of its name but the one whose id is
	 * {@code exceptId}, and keeps it for those recovering.
	 */
	void deliver(String name, byte[] frame, long offset, String exceptId) {
		Lock lock = stripe(name).readLock();
		lock.lock();
		try {
			this.subscriptions.send(name, frame, exceptId);
			List<Recovering> waiting = this.recovering.get(name);
			if (waiting != null) {
				for (Recovering each : waiting) {
					if (!each.connection.id().equals(exceptId)) {
						each.kept.add(new Kept(offset, frame));
					}
				}
			}
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Subscribes {@code connection} to the one name of {@code request}, first sending what it missed after the
	 * request's position. Completes once the subscription is live.
	 */
	Mono<Void> subscribe(Connection connection, Message request, List<String> names) {
		String refusal = refusal(request, names);
		if (refusal != null) {
			connection.send(Message.builder(Topic.EVENT, EventAction.INVALID_MESSAGE_DATA).name(names.isEmpty() ? null
					: names.get(0)).originalAction(request.action()).correlationId(request.correlationId())
				.isError(true).data(JsonText.quote(refusal)).build());
			return Mono.empty();
		}
		String name = names.get(0);
		if (this.subscriptions.isSubscribed(name, connection) || recovering(connection, name) != null) {
			// Already live, or on its way: answered as any second subscribe is.
			multiple(connection, request, name);
			return Mono.empty();
		}
		Recovering waiting = new Recovering(connection);
		this.recovering.compute(name, (key, list) -> {
			List<Recovering> current = (list != null) ? list : new CopyOnWriteArrayList<>();
			current.add(waiting);
			return current;
		});
		EventPosition from = request.position();
		return missed(name, from.epoch(), from.offset())
			.onErrorResume((ex) -> {
				// Fail closed: what was missed cannot be told, so nothing is resent and the client is told so.
				logger.warn("Events of '{}' missed by {} could not be read: {}", name, connection, ex.getMessage());
				return Mono.just(Missed.NOT_RECOVERED);
			})
			.doOnNext((missed) -> goLive(connection, request, name, waiting, missed))
			.doFinally((signal) -> forget(name, waiting))
			.then();
	}

	/**
	 * The names of a plain subscribe that {@code connection} is not recovering already; those it is are answered
	 * MULTIPLE_SUBSCRIPTIONS, as a second subscribe is.
	 */
	List<String> notRecovering(Connection connection, Message request, List<String> names) {
		if (this.recovering.isEmpty()) {
			return names;
		}
		List<String> others = new ArrayList<>(names.size());
		for (String name : names) {
			if (recovering(connection, name) != null) {
				multiple(connection, request, name);
			}
			else {
				others.add(name);
			}
		}
		return others;
	}

	/**
	 * Abandons the recoveries of {@code connection} among {@code names}, as an unsubscribe does: the subscriber does
	 * not go live once the history is read.
	 * @return the names it was not recovering
	 */
	List<String> abandon(Connection connection, List<String> names) {
		if (this.recovering.isEmpty()) {
			return names;
		}
		List<String> others = new ArrayList<>(names.size());
		for (String name : names) {
			Recovering waiting = recovering(connection, name);
			if (waiting != null) {
				waiting.abandoned = true;
			}
			else {
				others.add(name);
			}
		}
		return others;
	}

	private Recovering recovering(Connection connection, String name) {
		List<Recovering> waiting = this.recovering.get(name);
		if (waiting != null) {
			for (Recovering each : waiting) {
				if (each.connection == connection && !each.abandoned) {
					return each;
				}
			}
		}
		return null;
	}

	private static void multiple(Connection connection, Message request, String name) {
		connection.send(Message.builder(Topic.EVENT, EventAction.MULTIPLE_SUBSCRIPTIONS).name(name)
			.originalAction(request.action()).correlationId(request.correlationId()).build());
	}

	private static String refusal(Message request, List<String> names) {
		EventPosition position = request.position();
		if (names.size() != 1) {
			return "A subscribe that recovers from an offset names exactly one event, had " + names.size();
		}
		if (position.epoch() == null || position.offset() == null) {
			return "A subscribe that recovers needs both the epoch and the offset of the last event received";
		}
		return null;
	}

	/**
	 * The events after {@code offset}, read page by page while each continues the last: recovered only when the epoch
	 * is the one asked for and no event between the offset and the newest is missing.
	 */
	private Mono<Missed> missed(String name, String epoch, long offset) {
		return this.history.read(new HistoryQuery.From(name, offset + 1, null)).flatMap((page) -> {
			if (!continues(page, epoch, offset)) {
				// Where the stream stands, for the client to go on from.
				return this.history.read(new HistoryQuery.Last(name, 1)).map((newest) -> new Missed(false,
						newest.epoch(), newest.entries().isEmpty() ? -1 : last(newest), List.of()));
			}
			if (page.complete() || page.entries().isEmpty()) {
				return Mono.just(new Missed(true, epoch, page.entries().isEmpty() ? offset : last(page), page.entries()));
			}
			// Cut at the most one read returns: read on from where it stopped.
			return missed(name, epoch, last(page)).map((rest) -> rest.after(page.entries()));
		});
	}

	private static boolean continues(HistoryPage page, String epoch, long offset) {
		if (!page.epoch().equals(epoch)) {
			return false;
		}
		return page.entries().isEmpty() ? page.complete() : page.entries().get(0).offset() == offset + 1;
	}

	private static long last(HistoryPage page) {
		return page.entries().get(page.entries().size() - 1).offset();
	}

	/**
	 * Acknowledges with the outcome, resends the missed events, then joins the live subscribers and sends the events
	 * kept meanwhile that come after the acknowledgement's offset (the last resent, or the newest when not recovered).
	 */
	private void goLive(Connection connection, Message request, String name, Recovering waiting, Missed missed) {
		connection.send(Message.builder(Topic.EVENT, request.action()).correlationId(request.correlationId())
			.isAck(true)
			.position(new EventPosition(missed.epoch, (missed.offset >= 0) ? missed.offset : null, missed.recovered))
			.build());
		for (HistoryEntry entry : missed.entries) {
			connection.send(EventFrames.message(name, entry));
		}
		// Recovered: the last one resent. Not recovered: the newest one the acknowledgement gave (or -1 when the history
		// could not be read), from which the client goes on.
		long resentUpTo = missed.offset;
		Lock lock = stripe(name).writeLock();
		lock.lock();
		try {
			if (!connection.isOpen() || waiting.abandoned) {
				return;
			}
			this.subscriptions.subscribe(name, connection);
			Kept kept;
			while ((kept = waiting.kept.poll()) != null) {
				if (kept.offset > resentUpTo) {
					connection.send(kept.frame);
				}
			}
			forget(name, waiting);
		}
		finally {
			lock.unlock();
		}
	}

	private void forget(String name, Recovering waiting) {
		this.recovering.computeIfPresent(name, (key, list) -> {
			list.remove(waiting);
			return list.isEmpty() ? null : list;
		});
	}

	private ReentrantReadWriteLock stripe(String name) {
		return this.stripes[(name.hashCode() & Integer.MAX_VALUE) % STRIPES];
	}

	/** A subscriber being recovered, and the live events kept for it meanwhile, in the order they were delivered. */
	private static final class Recovering {

		private final Connection connection;

		private final Queue<Kept> kept = new ConcurrentLinkedQueue<>();

		/** Unsubscribed while recovering: it does not go live. */
		private volatile boolean abandoned;

		Recovering(Connection connection) {
			this.connection = connection;
		}

	}

	private record Kept(long offset, byte[] frame) {
	}

	/**
	 * What a recovering subscriber missed.
	 * @param recovered whether {@code entries} are every event after the offset asked for, in the epoch asked for
	 * @param epoch the history's epoch
	 * @param offset the last offset resent when recovered; otherwise the newest offset seen, or -1
	 * @param entries the events to resend, oldest first; none when not recovered
	 */
	private record Missed(boolean recovered, String epoch, long offset, List<HistoryEntry> entries) {

		static final Missed NOT_RECOVERED = new Missed(false, null, -1, List.of());

		Missed after(List<HistoryEntry> earlier) {
			if (!this.recovered) {
				return this;
			}
			List<HistoryEntry> all = new ArrayList<>(earlier.size() + this.entries.size());
			all.addAll(earlier);
			all.addAll(this.entries);
			return new Missed(true, this.epoch, this.offset, all);
		}

	}

}
