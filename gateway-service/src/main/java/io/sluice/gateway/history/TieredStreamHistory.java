package io.sluice.gateway.history;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.publisher.Sinks;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.HistoryEntry;
import io.sluice.connector.HotStreamHistory;
import io.sluice.connector.QueuedHistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.StreamPosition;

/**
 * Stream history in two tiers: appended to the hot one (the cache connector: memory, Redis Streams) and handed to the
 * storage queue, from which the storage worker stores it in the cold one (the store: SQL, MongoDB), so that
 * publishing waits for the queue but never for the store. Reads take the hot tier's entries and fill in older
 * offsets from the cold tier, one answer in order of offsets.
 *
 * <p>When the hot tier has lost a stream (Redis restarted empty, the process restarted with the memory connector),
 * the stream is started again where the cold tier stands, once the queue has handed the store every entry queued
 * for it: same epoch, offsets continuing after the highest stored. A stream the cold tier never held gets its epoch
 * from the cold tier too, so that both tiers always agree on it. Why this way: {@code docs/decisions/cold-history.md}.
 *
 * <p>The storage worker trims the cold tier to each stream's retention when it stores the stream's entries, after the
 * hot tier did; so that a read never depends on how far behind it is, the cold tier's entries beyond the retention by
 * count (at or below the last offset minus the most entries kept) are left out of every answer.
 *
 * <p>Appends keep the order they are made in here, also around a start: once an append has found its stream not
 * started, the appends made here after it wait for it (and for each other) until the last of them is done, even when
 * the stream is started meanwhile by a read or by another node sharing the hot tier. Otherwise a publisher's first
 * events on a stream would get their offsets, and reach their subscribers, in another order than it sent them.
 */
public final class TieredStreamHistory implements StreamHistory {

	/** How long starting a stream again waits for the queue to hand the store its entries. */
	static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

	private final HotStreamHistory hot;

	private final StreamHistory cold;

	private final StorageQueue queue;

	private final Function<String, Retention> retentions;

	private final Predicate<String> stored;

	private final Duration drainTimeout;

	/**
	 * The streams that appends here are starting, each with the appends waiting for it in the order they were made.
	 * Guarded by itself; held only to look up or change an entry and to hand it an append.
	 */
	private final Map<String, Starting> starting = new HashMap<>();

	/**
	 * @param retentions each stream's retention ({@code null} for none), applied to what is read from the cold tier
	 */
	public TieredStreamHistory(HotStreamHistory hot, StreamArchive archive, StorageQueue queue,
			Function<String, Retention> retentions) {
		this(hot, archive, queue, retentions, (stream) -> true);
	}

	/**
	 * @param retentions each stream's retention ({@code null} for none), applied to what is read from the cold tier
	 * @param stored whether a stream is kept in the cold tier too; one that is not is kept in the hot tier only, and
	 *     starts again under a new epoch when the hot tier loses it
	 */
	public TieredStreamHistory(HotStreamHistory hot, StreamArchive archive, StorageQueue queue,
			Function<String, Retention> retentions, Predicate<String> stored) {
		this(hot, archive, queue, retentions, stored, DRAIN_TIMEOUT);
	}

	TieredStreamHistory(HotStreamHistory hot, StreamArchive archive, StorageQueue queue,
			Function<String, Retention> retentions, Duration drainTimeout) {
		this(hot, archive, queue, retentions, (stream) -> true, drainTimeout);
	}

	private TieredStreamHistory(HotStreamHistory hot, StreamArchive archive, StorageQueue queue,
			Function<String, Retention> retentions, Predicate<String> stored, Duration drainTimeout) {
		this.hot = Objects.requireNonNull(hot, "hot");
		this.cold = archive.history();
		this.queue = Objects.requireNonNull(queue, "queue");
		this.retentions = Objects.requireNonNull(retentions, "retentions");
		this.stored = Objects.requireNonNull(stored, "stored");
		this.drainTimeout = drainTimeout;
	}

	@Override
	public Mono<HistoryEntry> append(String stream, byte[] payload, Retention retention) {
		if (!this.stored.test(stream)) {
			return this.hot.append(stream, payload, retention);
		}
		return Mono.defer(() -> {
			Mono<HistoryEntry> queued = queuedBehind(stream, null, payload, retention);
			if (queued != null) {
				return queued;
			}
			return this.hot.appendIfStarted(stream, payload, retention)
				.switchIfEmpty(Mono.defer(() -> queuedBehind(stream, resume(stream), payload, retention)));
		}).flatMap((entry) -> this.queue.offer(new QueuedHistoryEntry(entry, retention).toWrite()).thenReturn(entry));
	}

	/**
	 * The append, made after those made before it while {@code stream} is being started here, or after {@code start}
	 * when none is. Without a start to make, {@code null} when none is being made.
	 */
	private Mono<HistoryEntry> queuedBehind(String stream, Mono<StreamPosition> start, byte[] payload,
			Retention retention) {
		synchronized (this.starting) {
			Starting ahead = this.starting.get(stream);
			if (ahead != null) {
				// Whatever became of the ones ahead, this one is made as any other: started already, or starting.
				return ahead.add(Mono.defer(() -> this.hot.appendIfStarted(stream, payload, retention)
					.switchIfEmpty(Mono.defer(() -> startThenAppend(stream, resume(stream), payload, retention)))));
			}
			if (start == null) {
				return null;
			}
			Starting begun = new Starting(stream);
			this.starting.put(stream, begun);
			return begun.add(startThenAppend(stream, start, payload, retention));
		}
	}

	private Mono<HistoryEntry> startThenAppend(String stream, Mono<StreamPosition> start, byte[] payload,
			Retention retention) {
		return start.then(this.hot.appendIfStarted(stream, payload, retention))
			.switchIfEmpty(Mono.error(() -> new ConnectorException("history",
					"Stream '" + stream + "' lost its hot history again while it was being started")));
	}

	@Override
	public Mono<StreamPosition> position(String stream) {
		if (!this.stored.test(stream)) {
			return this.hot.position(stream);
		}
		return this.hot.positionIfStarted(stream).switchIfEmpty(Mono.defer(() -> resume(stream)));
	}

	/**
	 * Starts {@code stream} in the hot tier where the cold tier stands, once the queue has handed the store what it
	 * held for it; a stream some other caller started first keeps that start.
	 */
	private Mono<StreamPosition> resume(String stream) {
		return this.queue.drainedRecord(QueuedHistoryEntry.queueName(stream))
			.timeout(this.drainTimeout, Mono.error(() -> new ConnectorException("history", "The history of '" + stream
					+ "' cannot be started again: the storage queue did not hand its entries to the store within "
					+ this.drainTimeout + " (is the storage worker running?)")))
			.then(this.cold.position(stream))
			.flatMap((position) -> this.hot.start(stream, position));
	}

	@Override
	public Flux<HistoryEntry> last(String stream, int count) {
		return this.hot.last(stream, count).collectList().flatMapMany((hot) -> {
			if (hot.size() >= count || startsAtOne(hot)) {
				return Flux.fromIterable(hot);
			}
			if (hot.isEmpty()) {
				return retained(stream, this.cold.last(stream, count));
			}
			long first = hot.get(0).offset();
			return retained(stream, this.cold.range(stream, Math.max(1, first - (count - hot.size())), first - 1))
				.concatWith(Flux.fromIterable(hot));
		});
	}

	@Override
	public Flux<HistoryEntry> from(String stream, long offset, int limit) {
		return this.hot.from(stream, offset, limit).collectList().flatMapMany((hot) -> {
			if (holdsFrom(hot, offset)) {
				return Flux.fromIterable(hot);
			}
			return before(retained(stream, this.cold.from(stream, offset, limit)), hot).take(limit);
		});
	}

	@Override
	public Flux<HistoryEntry> range(String stream, long fromOffset, long toOffset) {
		return this.hot.range(stream, fromOffset, toOffset).collectList().flatMapMany((hot) -> {
			if (holdsFrom(hot, fromOffset)) {
				return Flux.fromIterable(hot);
			}
			long coldEnd = hot.isEmpty() ? toOffset : hot.get(0).offset() - 1;
			return retained(stream, this.cold.range(stream, fromOffset, coldEnd)).concatWith(Flux.fromIterable(hot));
		});
	}

	/**
	 * The hot entries since the time, after the cold ones older than the hot tier's oldest, unless the hot tier holds
	 * the entry before its first one found (which is then older than the time, so the cold tier has nothing to add).
	 */
	@Override
	public Flux<HistoryEntry> since(String stream, Instant time, int limit) {
		return Mono.zip(this.hot.since(stream, time, limit).collectList(),
				this.hot.from(stream, 1, 1).next().map(HistoryEntry::offset).defaultIfEmpty(0L))
			.flatMapMany((found) -> {
				List<HistoryEntry> hot = found.getT1();
				long oldest = found.getT2();
				if (hot.isEmpty()) {
					return (oldest > 0) ? Flux.empty() : retained(stream, this.cold.since(stream, time, limit));
				}
				if (startsAtOne(hot) || hot.get(0).offset() > oldest) {
					return Flux.fromIterable(hot);
				}
				return before(retained(stream, this.cold.since(stream, time, limit)), hot).take(limit);
			});
	}

	/** {@code cold} without the entries beyond the stream's retention by count, which the worker may not trim yet. */
	private Flux<HistoryEntry> retained(String stream, Flux<HistoryEntry> cold) {
		Retention retention = this.retentions.apply(stream);
		if (retention == null) {
			return cold;
		}
		return this.hot.positionIfStarted(stream)
			.map((position) -> position.offset() - retention.maxEntries())
			.defaultIfEmpty(0L)
			.flatMapMany((dropped) -> cold.filter((entry) -> entry.offset() > dropped));
	}

	/** The cold entries older than the first hot one, then the hot ones. */
	private static Flux<HistoryEntry> before(Flux<HistoryEntry> cold, List<HistoryEntry> hot) {
		if (hot.isEmpty()) {
			return cold;
		}
		long first = hot.get(0).offset();
		return cold.takeWhile((entry) -> entry.offset() < first).concatWith(Flux.fromIterable(hot));
	}

	/** Whether the hot entries leave nothing before them for the cold tier to add. */
	private static boolean holdsFrom(List<HistoryEntry> hot, long offset) {
		return !hot.isEmpty() && (hot.get(0).offset() <= Math.max(1, offset));
	}

	private static boolean startsAtOne(List<HistoryEntry> hot) {
		return !hot.isEmpty() && hot.get(0).offset() == 1;
	}

	/**
	 * The appends waiting for a stream that is being started, made one after the other in the order they were added
	 * ({@code concatMap} takes the next one when the last is done, in a loop, however many wait: a chain of one
	 * append after another would nest as deep as the queue is long). Once the last one added is done, the stream is
	 * no longer starting here, and appends go straight to the hot tier again.
	 */
	private final class Starting {

		private final String stream;

		private final Sinks.Many<Waiting> waiting = Sinks.many().unicast().onBackpressureBuffer();

		/** Appends added and not yet done. Guarded by {@link #starting}. */
		private int count;

		Starting(String stream) {
			this.stream = stream;
			this.waiting.asFlux().concatMap((next) -> next.append().materialize().doOnNext((signal) -> {
				done();
				next.answer(signal);
			})).subscribe();
		}

		/** Adds an append, under the lock of {@link #starting}: what it answers. */
		Mono<HistoryEntry> add(Mono<HistoryEntry> append) {
			Waiting next = new Waiting(append, Sinks.one());
			this.count++;
			// Added under the lock, so one at a time and in the order appends are made here.
			this.waiting.emitNext(next, Sinks.EmitFailureHandler.FAIL_FAST);
			return next.answer().asMono();
		}

		private void done() {
			synchronized (TieredStreamHistory.this.starting) {
				if (--this.count == 0) {
					TieredStreamHistory.this.starting.remove(this.stream, this);
					this.waiting.tryEmitComplete();
				}
			}
		}

	}

	private record Waiting(Mono<HistoryEntry> append, Sinks.One<HistoryEntry> answer) {

		void answer(Signal<HistoryEntry> signal) {
			if (signal.isOnNext()) {
				this.answer.tryEmitValue(signal.get());
			}
			else if (signal.isOnError()) {
				this.answer.tryEmitError(signal.getThrowable());
			}
			else {
				this.answer.tryEmitEmpty();
			}
		}

	}

}
