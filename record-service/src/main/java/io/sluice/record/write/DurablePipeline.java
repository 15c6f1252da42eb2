package io.sluice.record.write;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import io.sluice.connector.RecordCache;
import io.sluice.connector.VersionedRecord;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordWriteException;
import io.sluice.record.feed.RecordChangeFeed;

/**
 * Makes the writes that won their compare-and-set durable, pipelined per record: the record's lane hands a write
 * over as soon as its version is decided and goes on to the next write, while this one becomes durable.
 *
 * <p>Per record:
 * <ul>
 * <li><b>One durable write in flight.</b> The versions that win their compare-and-set while one is in flight
 * wait, and are handed on together ({@link DurableWrites#writeVersions}: the store takes only the newest, since
 * each version holds the whole document and the store keeps the newest under its version guard; the queue is
 * offered each version, in version order). So one group commit takes many versions of a hot record, and a later
 * group can never be durable while an earlier one may still fail.</li>
 * <li><b>In version order, once durable.</b> When a group is durable the next one is handed on at once, and the
 * group's changes are announced in version order (this node's feed at once, the bus in that order), after every
 * earlier change of the record; each writer is answered once its change is published and every earlier version of
 * the record has been answered.</li>
 * <li><b>Failure.</b> If a group's durable write fails, every version in it fails, and so does every version
 * built on top of them: those waiting, and those that win their compare-and-set before the cache agrees with
 * storage again, none of which was handed on. (If the queue took a later version of the group but not an earlier
 * one, the later one carries the earlier change: everything up to it counts as durable, and only what follows it
 * fails; see {@link DurableWrites#writeVersions}.) The cache entry is then evicted if it still
 * holds the newest of those versions, inside the record's lane so that no write of this node can build on it
 * meanwhile; the next read refills it from storage (after the queue has drained, so a write whose offer failed
 * but was taken after all is seen). Only then are the writers told. A version another node wrote on top stays:
 * it is durable, or that node takes it back.</li>
 * </ul>
 */
final class DurablePipeline {

	private static final Logger logger = LoggerFactory.getLogger(DurablePipeline.class);

	private final DurableWrites durable;

	private final RecordChangeFeed feed;

	private final RecordCache cache;

	private final RecordLanes lanes;

	private final ConcurrentHashMap<String, RecordPipe> pipes = new ConcurrentHashMap<>();

	DurablePipeline(DurableWrites durable, RecordChangeFeed feed, RecordCache cache, RecordLanes lanes) {
		this.durable = durable;
		this.feed = feed;
		this.cache = cache;
		this.lanes = lanes;
	}

	/**
	 * Takes over a write that has just won its compare-and-set. Must be called from the record's lane, so that a
	 * record's writes arrive in version order.
	 * @return the writer's answer: the record once durable, or a {@link RecordWriteException}; it does not depend
	 *     on being subscribed to
	 */
	Mono<VersionedRecord> submit(RecordChange change) {
		PendingWrite pending = new PendingWrite(change);
		boolean[] start = new boolean[1];
		// Creating and retiring a pipe happen inside the map's per-key compute, so no write can join a retired one.
		RecordPipe pipe = this.pipes.compute(change.name(), (name, existing) -> {
			RecordPipe current = (existing != null) ? existing : new RecordPipe(name);
			synchronized (current) {
				current.answers.add(pending);
				if (current.failure != null) {
					pending.error = builtOnFailed(pending, current.failure);
					current.condemned.add(pending);
				}
				else {
					current.waiting.add(pending);
					if (!current.sending) {
						current.sending = true;
						start[0] = true;
					}
				}
			}
			return current;
		});
		if (start[0]) {
			send(pipe, nextGroup(pipe));
		}
		return pending.answer.asMono();
	}

	/**
	 * {@code current} once every write of its record handed over so far has been answered, so that a caller who
	 * found a version this node decided is not told of it before it is durable; fails as the newest of those writes
	 * does. Must be called from the record's lane, where {@code current} was read: the newest write not yet
	 * answered is then the one that made it (or one before, whose failure fails it too).
	 */
	Mono<VersionedRecord> whenDurable(VersionedRecord current) {
		RecordPipe pipe = this.pipes.get(current.name());
		PendingWrite newest = null;
		if (pipe != null) {
			synchronized (pipe) {
				newest = pipe.answers.peekLast();
			}
		}
		return (newest != null) ? newest.answer.asMono().thenReturn(current) : Mono.just(current);
	}

	/**
	 * {@code found} once it is durable, when it is a version this node decided and has not answered yet (a read
	 * outside the record's lane, which found it in the cache): a reader is told only of what storage will have, and
	 * not before the change has been announced. At once otherwise. Fails as that write does; the cache no longer
	 * holds it then.
	 */
	Mono<VersionedRecord> durable(VersionedRecord found) {
		RecordPipe pipe = this.pipes.get(found.name());
		PendingWrite decided = null;
		if (pipe != null) {
			synchronized (pipe) {
				for (PendingWrite pending : pipe.answers) {
					if (pending.change.version() == found.version()) {
						decided = pending;
						break;
					}
				}
			}
		}
		return (decided != null) ? decided.answer.asMono().thenReturn(found) : Mono.just(found);
	}

	/** Records with writes not yet answered: for tests and metrics. */
	int activeRecords() {
		return this.pipes.size();
	}

	/** The writes waiting to be handed on, oldest first, or {@code null} (and nothing in flight) if there are none. */
	private List<PendingWrite> nextGroup(RecordPipe pipe) {
		synchronized (pipe) {
			if (!pipe.waiting.isEmpty()) {
				List<PendingWrite> group = new ArrayList<>(pipe.waiting);
				pipe.waiting.clear();
				return group;
			}
			pipe.sending = false;
		}
		retireIfIdle(pipe);
		return null;
	}

	private void send(RecordPipe pipe, List<PendingWrite> first) {
		List<PendingWrite> group = first;
		// A durable write that completes at once (an in-memory queue) would otherwise recurse, group after group.
		while (group != null) {
			Sent sent = new Sent(pipe, group);
			List<VersionedRecord> versions = new ArrayList<>(group.size());
			for (PendingWrite pending : group) {
				versions.add(pending.change.record());
			}
			// The pipeline's own machinery, not a request path: every writer is answered from here.
			this.durable.writeVersions(versions).subscribe(sent::ended, sent::failed, sent::endedEmpty);
			group = sent.nextIfEndedAtOnce();
		}
	}

	/** Announces a durable change; its writer may be answered once the bus has it. */
	private void announce(RecordPipe pipe, PendingWrite pending) {
		Mono<Void> published;
		try {
			// A creation holds only {}, and each opener is answered the record itself: nobody needs telling.
			published = (pending.change.kind() != RecordChange.Kind.CREATE) ? this.feed.announce(pending.change)
					: Mono.empty();
		}
		catch (RuntimeException ex) {
			// The write is durable whatever happens to its notice: fail open, as the feed does for the bus.
			logger.warn("Could not announce the change to record '{}' v{}: {}", pending.change.name(),
					pending.change.version(), ex.getMessage());
			published = Mono.empty();
		}
		// The feed has already told this node's subscribers; its bus publish fails open.
		published.subscribe(null, (ex) -> decided(pipe, pending), () -> decided(pipe, pending));
	}

	private void decided(RecordPipe pipe, PendingWrite pending) {
		synchronized (pipe) {
			pending.decided = true;
		}
		drain(pipe);
	}

	/** Fails a group and everything built on it, then makes the cache agree with storage before telling anyone. */
	private void failed(RecordPipe pipe, List<PendingWrite> group, Throwable cause) {
		PendingWrite first = group.get(0);
		RecordPipe.Failure failure = new RecordPipe.Failure(first.change.version(), cause);
		synchronized (pipe) {
			pipe.sending = false;
			pipe.failure = failure;
			for (PendingWrite pending : group) {
				pending.error = notDurable(pending, cause);
				pipe.condemned.add(pending);
			}
			for (PendingWrite pending : pipe.waiting) {
				pending.error = builtOnFailed(pending, failure);
				pipe.condemned.add(pending);
			}
			pipe.waiting.clear();
		}
		// The lane's own machinery, not a request path: the lane runs the eviction between two writes of the record.
		this.lanes.run(pipe.name, () -> Mono.defer(() -> evict(pipe)).then(Mono.fromRunnable(() -> recovered(pipe))))
			.subscribe(null, (ex) -> logger.error("Recovery of record '{}' failed", pipe.name, ex));
	}

	private Mono<Boolean> evict(RecordPipe pipe) {
		long newest;
		synchronized (pipe) {
			newest = pipe.condemned.get(pipe.condemned.size() - 1).change.version();
		}
		return this.cache.evict(pipe.name, newest)
			.retryWhen(Retry.backoff(3, Duration.ofMillis(50)))
			.onErrorResume((ex) -> {
				logger.error("Could not take record '{}' v{} back from the cache after a durable write failed; "
						+ "the cache may hold a version storage will not: {}", pipe.name, newest, ex.getMessage());
				return Mono.just(false);
			});
	}

	/** Runs in the record's lane once the cache agrees with storage: the failed writers are told, writes go on. */
	private void recovered(RecordPipe pipe) {
		synchronized (pipe) {
			pipe.failure = null;
			for (PendingWrite pending : pipe.condemned) {
				pending.decided = true;
			}
			pipe.condemned.clear();
		}
		drain(pipe);
	}

	/**
	 * Announces what became durable, then answers the writers whose outcome is decided, each in version order; one
	 * thread at a time per record.
	 */
	private void drain(RecordPipe pipe) {
		if (pipe.draining.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			while (true) {
				PendingWrite ready;
				synchronized (pipe) {
					ready = pipe.durable.poll();
				}
				if (ready == null) {
					break;
				}
				announce(pipe, ready);
			}
			while (true) {
				PendingWrite head;
				synchronized (pipe) {
					head = pipe.answers.peek();
					if (head == null || !head.decided) {
						break;
					}
					pipe.answers.poll();
				}
				head.signal();
			}
			missed = pipe.draining.addAndGet(-missed);
		}
		while (missed != 0);
		retireIfIdle(pipe);
	}

	/** Forgets a record with nothing left to do, so that idle records cost nothing. */
	private void retireIfIdle(RecordPipe pipe) {
		this.pipes.computeIfPresent(pipe.name, (name, current) -> (current == pipe && pipe.idle()) ? null : current);
	}

	private static RecordWriteException notDurable(PendingWrite pending, Throwable cause) {
		RecordChange change = pending.change;
		return new RecordWriteException(change.name(), "Write of record '" + change.name() + "' v" + change.version()
				+ " could not be made durable: " + cause.getMessage(), cause);
	}

	private static RecordWriteException builtOnFailed(PendingWrite pending, RecordPipe.Failure failure) {
		RecordChange change = pending.change;
		return new RecordWriteException(change.name(),
				"Write of record '" + change.name() + "' v" + change.version() + " was not made durable: it was "
						+ "built on v" + failure.version() + ", which could not be: " + failure.cause().getMessage(),
				failure.cause());
	}

	/** The outcome of handing one group on. */
	private final class Sent {

		private static final int RUNNING = 0;

		private static final int ENDED_AT_ONCE = 1;

		private static final int DETACHED = 2;

		private final RecordPipe pipe;

		private final List<PendingWrite> group;

		private final AtomicInteger state = new AtomicInteger(RUNNING);

		private List<PendingWrite> next;

		private DurableWrites.Outcome outcome;

		Sent(RecordPipe pipe, List<PendingWrite> group) {
			this.pipe = pipe;
			this.group = group;
		}

		void ended(DurableWrites.Outcome outcome) {
			this.outcome = outcome;
			if (outcome.failure() == null) {
				succeeded(this.group);
				return;
			}
			// Part of the group is durable (a later version carries the changes of any earlier one that failed).
			List<PendingWrite> durable = new ArrayList<>();
			List<PendingWrite> notDurable = new ArrayList<>();
			for (PendingWrite pending : this.group) {
				(pending.change.version() <= outcome.durableUpTo() ? durable : notDurable).add(pending);
			}
			synchronized (this.pipe) {
				this.pipe.durable.addAll(durable);
			}
			failed(notDurable, outcome.failure());
			drain(this.pipe);
		}

		void endedEmpty() {
			if (this.outcome == null) {
				failed(new IllegalStateException("the durable write ended without an outcome"));
			}
		}

		private void succeeded(List<PendingWrite> durable) {
			synchronized (this.pipe) {
				this.pipe.durable.addAll(durable);
			}
			// The next group is handed on first, so that it becomes durable while this one is announced.
			List<PendingWrite> following = nextGroup(this.pipe);
			if (this.state.compareAndSet(RUNNING, ENDED_AT_ONCE)) {
				this.next = following;
			}
			else if (following != null) {
				send(this.pipe, following);
			}
			drain(this.pipe);
		}

		void failed(Throwable cause) {
			failed(this.group, cause);
		}

		private void failed(List<PendingWrite> notDurable, Throwable cause) {
			this.state.compareAndSet(RUNNING, ENDED_AT_ONCE);
			DurablePipeline.this.failed(this.pipe, notDurable, cause);
		}

		/** The group to send next if this one already ended while being handed on, else {@code null}. */
		List<PendingWrite> nextIfEndedAtOnce() {
			if (this.state.compareAndSet(RUNNING, DETACHED)) {
				return null;
			}
			return this.next;
		}

	}

}
