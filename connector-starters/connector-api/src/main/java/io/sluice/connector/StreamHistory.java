package io.sluice.connector;

import java.time.Instant;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The stored history of event streams: each appended event gets the next offset of its stream.
 *
 * <p>Guarantees every adapter gives:
 * <ul>
 * <li><b>Offsets without gaps.</b> The first event of a stream has offset 1; each append gets the previous
 * offset plus one, also under concurrent appends; an offset is never reused within an epoch.</li>
 * <li><b>Epochs.</b> A stream's epoch changes whenever its offsets may have restarted (for example the
 * history was lost); a reader holding {@code {epoch, offset}} from another epoch must not trust the offset.</li>
 * <li><b>Exact reads.</b> {@link #last}, {@link #from}, {@link #range} and {@link #since} return exactly the
 * retained events asked for, oldest first, as appended.</li>
 * <li><b>Retention.</b> Events beyond the retention given at append (count or age) may be dropped, oldest
 * first; offsets of the rest do not change.</li>
 * </ul>
 * Failures are signalled as {@link ConnectorException}.
 */
public interface StreamHistory {

	/** Appends {@code payload} to {@code stream}, keeping at most what {@code retention} allows. */
	Mono<HistoryEntry> append(String stream, byte[] payload, Retention retention);

	/** The last {@code count} retained events, oldest first. */
	Flux<HistoryEntry> last(String stream, int count);

	/** Up to {@code limit} retained events from {@code offset} (inclusive), oldest first. */
	Flux<HistoryEntry> from(String stream, long offset, int limit);

	/** The retained events with offsets from {@code fromOffset} to {@code toOffset}, both inclusive. */
	Flux<HistoryEntry> range(String stream, long fromOffset, long toOffset);

	/** Up to {@code limit} retained events appended at or after {@code time}, oldest first. */
	Flux<HistoryEntry> since(String stream, Instant time, int limit);

	/** The stream's epoch and last offset (0 for a stream with no events yet). */
	Mono<StreamPosition> position(String stream);

}
