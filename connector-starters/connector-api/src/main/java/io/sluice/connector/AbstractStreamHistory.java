package io.sluice.connector;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

import reactor.core.publisher.Flux;

/**
 * The argument rules of the {@link StreamHistory} reads, for adapters that ask a store: a {@code null} stream or time
 * is refused when called (a {@link NullPointerException} naming it), and a read that asks for nothing (a count or
 * limit below one, a range that ends before it starts) is empty without asking the store.
 */
public abstract class AbstractStreamHistory implements StreamHistory {

	@Override
	public final Flux<HistoryEntry> last(String stream, int count) {
		Objects.requireNonNull(stream, "stream");
		return (count > 0) ? readLast(stream, count) : Flux.empty();
	}

	@Override
	public final Flux<HistoryEntry> from(String stream, long offset, int limit) {
		Objects.requireNonNull(stream, "stream");
		return (limit > 0) ? readFrom(stream, offset, limit) : Flux.empty();
	}

	@Override
	public final Flux<HistoryEntry> range(String stream, long fromOffset, long toOffset) {
		Objects.requireNonNull(stream, "stream");
		return (fromOffset <= toOffset) ? readRange(stream, fromOffset, toOffset) : Flux.empty();
	}

	@Override
	public final Flux<HistoryEntry> since(String stream, Instant time, int limit) {
		Objects.requireNonNull(stream, "stream");
		Objects.requireNonNull(time, "time");
		return (limit > 0) ? readSince(stream, time, limit) : Flux.empty();
	}

	/** {@link #last}, with a count of at least one. */
	protected abstract Flux<HistoryEntry> readLast(String stream, int count);

	/** {@link #from}, with a limit of at least one. */
	protected abstract Flux<HistoryEntry> readFrom(String stream, long offset, int limit);

	/** {@link #range}, with {@code fromOffset} at most {@code toOffset}. */
	protected abstract Flux<HistoryEntry> readRange(String stream, long fromOffset, long toOffset);

	/** {@link #since}, with a limit of at least one. */
	protected abstract Flux<HistoryEntry> readSince(String stream, Instant time, int limit);

	/**
	 * What an archive stores of {@code given} ({@link StreamArchive#store}): the entries of the newest epoch, since
	 * older ones belong to a history that has started over; {@code null} arguments refused.
	 */
	protected static List<HistoryEntry> toStore(String stream, List<HistoryEntry> given, Retention retention) {
		Objects.requireNonNull(stream, "stream");
		Objects.requireNonNull(retention, "retention");
		if (given.isEmpty()) {
			return List.of();
		}
		String epoch = given.get(given.size() - 1).epoch();
		return given.stream().filter((entry) -> entry.epoch().equals(epoch)).toList();
	}

	/**
	 * The first whole {@code unit} at or after {@code time}: for a store that keeps times in whole units, "at or after
	 * {@code time}" is "at or after this", so that no entry from just before gets in.
	 */
	protected static Instant roundedUp(Instant time, ChronoUnit unit) {
		Instant truncated = time.truncatedTo(unit);
		return truncated.isBefore(time) ? truncated.plus(1, unit) : truncated;
	}

}
