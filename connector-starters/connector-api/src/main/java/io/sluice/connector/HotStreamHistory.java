package io.sluice.connector;

import reactor.core.publisher.Mono;

/**
 * A {@link StreamHistory} that can be the hot tier in front of a {@link StreamArchive}: one whose state (memory,
 * Redis) may be lost while the archive keeps the stream. Instead of starting a lost stream again at offset 1 under a
 * new epoch on its own, it lets the caller {@linkplain #start start} it where the archive stands.
 *
 * <p>Besides the guarantees of {@link StreamHistory}:
 * <ul>
 * <li><b>Started streams only.</b> {@link #appendIfStarted} and {@link #positionIfStarted} are empty for a stream
 * that has no epoch here (never started, or lost), and then change nothing.</li>
 * <li><b>Start once.</b> {@link #start} gives a stream without an epoch the position's epoch and makes its next
 * offset the position's plus one; a stream that has an epoch keeps it, whoever else started it meanwhile, so
 * concurrent starts (from any number of processes) agree.</li>
 * </ul>
 */
public interface HotStreamHistory extends StreamHistory {

	/** {@link #append}, but empty (appending nothing) when {@code stream} has no epoch here. */
	Mono<HistoryEntry> appendIfStarted(String stream, byte[] payload, Retention retention);

	/** {@link #position}, but empty (creating no epoch) when {@code stream} has none here. */
	Mono<StreamPosition> positionIfStarted(String stream);

	/**
	 * Starts {@code stream} at {@code position} (its epoch; the next append gets its offset plus one) unless it has an
	 * epoch here already.
	 * @return the stream's position afterwards: {@code position}, or the one it already had
	 */
	Mono<StreamPosition> start(String stream, StreamPosition position);

}
