package io.sluice.connector.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.HotStreamHistory;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.StreamPosition;

/**
 * A {@link StreamHistory} in the memory of this process. Each stream has its own lock, so appends to different
 * streams never wait for each other, and an append to one stream is a short critical section.
 *
 * <p>Every stream shares this instance's epoch, chosen at random when it is created: a new process starts
 * every stream at offset 1 again, under a new epoch. Retention is applied at each append, by count and by age.
 * Payloads are not copied: callers must not change the arrays they hand over or get back.
 *
 * <p>As a hot tier ({@link HotStreamHistory}), a stream {@linkplain #start started} at a position takes that
 * position's epoch instead. As an archive ({@link #archive()}, for tests and for a store kept in memory), it keeps the
 * entries it is given as a run of consecutive offsets: an entry after a gap replaces what it held.
 */
public final class InMemoryStreamHistory implements HotStreamHistory {

	private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();

	private final String epoch = UUID.randomUUID().toString().substring(0, 8);

	private final Clock clock;

	public InMemoryStreamHistory() {
		this(Clock.systemUTC());
	}

	public InMemoryStreamHistory(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	@Override
	public Mono<HistoryEntry> append(String stream, byte[] payload, Retention retention) {
		Objects.requireNonNull(payload, "payload");
		Objects.requireNonNull(retention, "retention");
		return Mono.fromSupplier(() -> this.streams.computeIfAbsent(stream, (name) -> new Stream(name, this.epoch))
			.append(payload, retention, this.clock.instant()));
	}

	@Override
	public Mono<HistoryEntry> appendIfStarted(String stream, byte[] payload, Retention retention) {
		Objects.requireNonNull(payload, "payload");
		Objects.requireNonNull(retention, "retention");
		return Mono.fromSupplier(() -> {
			Stream s = this.streams.get(stream);
			return (s != null) ? s.append(payload, retention, this.clock.instant()) : null;
		});
	}

	@Override
	public Mono<StreamPosition> positionIfStarted(String stream) {
		return Mono.fromSupplier(() -> {
			Stream s = this.streams.get(stream);
			return (s != null) ? s.position() : null;
		});
	}

	@Override
	public Mono<StreamPosition> start(String stream, StreamPosition position) {
		Objects.requireNonNull(position, "position");
		return Mono.fromSupplier(() -> this.streams
			.computeIfAbsent(stream, (name) -> new Stream(name, position.epoch(), position.offset()))
			.position());
	}

	/** This history as the cold tier of a hot one. */
	public StreamArchive archive() {
		return StreamArchive.of(this, (stream, entries, retention) -> {
			Objects.requireNonNull(retention, "retention");
			return Mono.fromRunnable(() -> {
				if (!entries.isEmpty()) {
					this.streams.computeIfAbsent(stream, (name) -> new Stream(name, entries.get(0).epoch(), 0))
						.store(entries, retention);
				}
			});
		});
	}

	@Override
	public Flux<HistoryEntry> last(String stream, int count) {
		return read(stream, (s) -> s.last(count));
	}

	@Override
	public Flux<HistoryEntry> from(String stream, long offset, int limit) {
		return read(stream, (s) -> s.range(offset, limit, Long.MAX_VALUE));
	}

	@Override
	public Flux<HistoryEntry> range(String stream, long fromOffset, long toOffset) {
		return read(stream, (s) -> s.range(fromOffset, Integer.MAX_VALUE, toOffset));
	}

	@Override
	public Flux<HistoryEntry> since(String stream, Instant time, int limit) {
		return read(stream, (s) -> s.since(time, limit));
	}

	@Override
	public Mono<StreamPosition> position(String stream) {
		return Mono.fromSupplier(() -> {
			Stream s = this.streams.get(stream);
			return (s != null) ? s.position() : new StreamPosition(this.epoch, 0);
		});
	}

	/** Reads a copy taken under the stream's lock, so the flux never sees a half-done append. */
	private Flux<HistoryEntry> read(String stream, Function<Stream, List<HistoryEntry>> reader) {
		return Flux.defer(() -> {
			Stream s = this.streams.get(stream);
			return (s != null) ? Flux.fromIterable(reader.apply(s)) : Flux.empty();
		});
	}

	/** One stream: its retained entries, oldest first, from {@code head}; guarded by its own monitor. */
	private static final class Stream {

		private final String name;

		private String epoch;

		private final ArrayList<HistoryEntry> entries = new ArrayList<>();

		/** Index of the oldest retained entry; dropped entries before it are cleared in bulk. */
		private int head;

		private long lastOffset;

		Stream(String name, String epoch) {
			this(name, epoch, 0);
		}

		Stream(String name, String epoch, long lastOffset) {
			this.name = name;
			this.epoch = epoch;
			this.lastOffset = lastOffset;
		}

		synchronized StreamPosition position() {
			return new StreamPosition(this.epoch, this.lastOffset);
		}

		/** Keeps entries appended elsewhere, as given, the stream's entries staying consecutive. */
		synchronized void store(List<HistoryEntry> given, Retention retention) {
			for (HistoryEntry entry : given) {
				if (!entry.epoch().equals(this.epoch)) {
					this.epoch = entry.epoch();
					this.lastOffset = 0;
					clear();
				}
				if (entry.offset() <= this.lastOffset) {
					continue;
				}
				if (entry.offset() != this.lastOffset + 1) {
					clear();
				}
				this.entries.add(new HistoryEntry(this.name, entry.offset(), this.epoch, entry.timestamp(),
						entry.payload()));
				this.lastOffset = entry.offset();
			}
			if (size() > 0) {
				trim(retention, this.entries.get(this.entries.size() - 1).timestamp());
			}
		}

		private void clear() {
			this.entries.clear();
			this.head = 0;
		}

		synchronized HistoryEntry append(byte[] payload, Retention retention, Instant now) {
			// Timestamps never go backwards within a stream, even if the clock does, so since() stays exact.
			Instant timestamp = now;
			if (size() > 0) {
				Instant newest = this.entries.get(this.entries.size() - 1).timestamp();
				if (newest.isAfter(now)) {
					timestamp = newest;
				}
			}
			HistoryEntry entry = new HistoryEntry(this.name, ++this.lastOffset, this.epoch, timestamp, payload);
			this.entries.add(entry);
			trim(retention, now);
			return entry;
		}

		synchronized List<HistoryEntry> last(int count) {
			int from = Math.max(this.head, this.entries.size() - Math.max(count, 0));
			return List.copyOf(this.entries.subList(from, this.entries.size()));
		}

		synchronized List<HistoryEntry> range(long fromOffset, int limit, long toOffset) {
			if (size() == 0 || limit <= 0) {
				return List.of();
			}
			long oldest = this.entries.get(this.head).offset();
			long first = Math.max(fromOffset, oldest);
			long last = Math.min(toOffset, this.lastOffset);
			if (first > last) {
				return List.of();
			}
			long count = Math.min(last - first + 1, limit);
			int start = this.head + (int) (first - oldest);
			return List.copyOf(this.entries.subList(start, start + (int) count));
		}

		synchronized List<HistoryEntry> since(Instant time, int limit) {
			// Timestamps rise with offsets, so the first entry at or after the time starts the answer.
			int low = this.head;
			int high = this.entries.size();
			while (low < high) {
				int middle = (low + high) >>> 1;
				if (this.entries.get(middle).timestamp().isBefore(time)) {
					low = middle + 1;
				}
				else {
					high = middle;
				}
			}
			int end = (int) Math.min(this.entries.size(), (long) low + Math.max(limit, 0));
			return List.copyOf(this.entries.subList(low, end));
		}

		private int size() {
			return this.entries.size() - this.head;
		}

		private void trim(Retention retention, Instant now) {
			int excess = size() - retention.maxEntries();
			for (int i = 0; i < excess; i++) {
				this.entries.set(this.head++, null);
			}
			if (retention.maxAge() != null) {
				Instant oldestKept = now.minus(retention.maxAge());
				while (size() > 1 && this.entries.get(this.head).timestamp().isBefore(oldestKept)) {
					this.entries.set(this.head++, null);
				}
			}
			// Compact once the dropped prefix is as large as what is kept: amortised constant per append.
			if (this.head > 0 && this.head >= size()) {
				this.entries.subList(0, this.head).clear();
				this.head = 0;
			}
		}

	}

}
