package io.sluice.gateway.history;

import java.util.List;

import reactor.core.publisher.Mono;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.StreamPosition;

/**
 * The history of the event names configured as streams ({@code sluice.history.streams}), kept in the
 * {@link StreamHistory} connector: appended by the node an event is published on, so once cluster-wide, and read by
 * the four query shapes.
 *
 * <p>A read first takes the name's position (epoch and last offset) and then reads up to that offset only, so that
 * what it says about completeness holds for that moment: events appended meanwhile are not half-included, and an
 * epoch that changed meanwhile makes the page incomplete.
 */
public final class EventHistory {

	private static final Mono<HistoryEntry> NOT_KEPT = Mono.empty();

	private final StreamHistory history;

	private final HistoryStreams streams;

	private final int maxRead;

	public EventHistory(StreamHistory history, HistoryStreams streams, int maxRead) {
		this.history = history;
		this.streams = streams;
		this.maxRead = maxRead;
	}

	/** The retention of {@code name}'s history, or {@code null} when it keeps none: a remembered lookup. */
	public Retention retention(String name) {
		return this.streams.retention(name);
	}

	/**
	 * Appends an event to its name's history.
	 * @param data the event's data as JSON, or {@code null} for none
	 * @param retention the name's {@link #retention}
	 * @return the entry, with its offset and epoch
	 */
	public Mono<HistoryEntry> append(String name, byte[] data, Retention retention) {
		return this.history.append(name, (data != null) ? data : new byte[0], retention);
	}

	/** Reads what {@code query} asks for, up to {@code sluice.history.max-read} entries. */
	public Mono<HistoryPage> read(HistoryQuery query) {
		String name = query.name();
		if (this.streams.retention(name) == null) {
			return Mono.error(HistoryException.invalid("Events named '" + name + "' keep no history: no pattern of "
					+ "sluice.history.streams matches the name"));
		}
		return this.history.position(name).flatMap((position) -> {
			if (query instanceof HistoryQuery.Last last) {
				return last(position, name, last.count());
			}
			if (query instanceof HistoryQuery.From from) {
				return from(position, name, from.from(), from.to());
			}
			return since(position, name, (HistoryQuery.Since) query);
		}).onErrorMap((ex) -> !(ex instanceof HistoryException),
				(ex) -> new HistoryException(HistoryException.Kind.UNAVAILABLE,
						"The history of '" + name + "' could not be read: " + ex.getMessage()));
	}

	private Mono<HistoryPage> last(StreamPosition position, String name, long count) {
		long end = position.offset();
		long start = Math.max(1, end - Math.min(count, this.maxRead) + 1);
		boolean cut = Math.max(1, end - count + 1) < start;
		return range(position, name, start, end, !cut);
	}

	private Mono<HistoryPage> from(StreamPosition position, String name, long from, Long to) {
		long start = Math.max(1, from);
		long end = (to != null) ? Math.min(to, position.offset()) : position.offset();
		long readEnd = Math.min(end, start + this.maxRead - 1);
		return range(position, name, start, readEnd, readEnd == end);
	}

	/** The entries from {@code start} to {@code end}: complete when all are there, and nothing was cut before. */
	private Mono<HistoryPage> range(StreamPosition position, String name, long start, long end, boolean uncut) {
		if (start > end) {
			return Mono.just(new HistoryPage(position.epoch(), List.of(), uncut));
		}
		return this.history.range(name, start, end).collectList().map((entries) -> {
			List<HistoryEntry> current = ofEpoch(entries, position.epoch());
			boolean all = current.size() == entries.size() && current.size() == end - start + 1
					&& current.get(0).offset() == start;
			return new HistoryPage(position.epoch(), current, all && uncut);
		});
	}

	/**
	 * The entries at or after a time, up to the position. Complete when the entry just before the first one is still
	 * there (or the first is the name's first event), so that nothing after the time can have been dropped, and the
	 * read was not cut.
	 */
	private Mono<HistoryPage> since(StreamPosition position, String name, HistoryQuery.Since since) {
		long end = position.offset();
		if (end == 0) {
			return Mono.just(new HistoryPage(position.epoch(), List.of(), true));
		}
		return this.history.since(name, since.time(), this.maxRead)
			.takeWhile((entry) -> entry.offset() <= end)
			.collectList()
			.flatMap((entries) -> {
				List<HistoryEntry> current = ofEpoch(entries, position.epoch());
				boolean sameEpoch = current.size() == entries.size();
				boolean uncut = current.size() < this.maxRead || current.get(current.size() - 1).offset() == end;
				// The entry before the first found, or the last one when none was found: if retention still has it,
				// it is older than the time, and nothing after the time can have been dropped.
				long before = current.isEmpty() ? end : current.get(0).offset() - 1;
				Mono<Boolean> nothingDropped = (before == 0) ? Mono.just(true)
						: this.history.range(name, before, before).hasElements();
				return nothingDropped.map((held) -> new HistoryPage(position.epoch(), current,
						held && sameEpoch && uncut));
			});
	}

	private static List<HistoryEntry> ofEpoch(List<HistoryEntry> entries, String epoch) {
		for (HistoryEntry entry : entries) {
			if (!entry.epoch().equals(epoch)) {
				return entries.stream().filter((each) -> each.epoch().equals(epoch)).toList();
			}
		}
		return entries;
	}

}
