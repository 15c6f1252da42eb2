package io.sluice.connector;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * The cold tier of stream history, in the store: it keeps the entries a {@link HotStreamHistory} appended, as they
 * were appended (offsets, epochs, times), so that the history outlives the hot tier.
 *
 * <p>Guarantees every adapter gives:
 * <ul>
 * <li><b>Idempotent.</b> {@link #store} keeps an entry whose offset the stream already holds as it is, so that a batch
 * delivered again is harmless.</li>
 * <li><b>Heads.</b> {@link #history()}'s {@link StreamHistory#position position} of a stream is the epoch of its
 * first stored entry (or one created for it) and the highest offset stored.</li>
 * <li><b>Retention</b> is applied by {@link #store}: entries beyond the count, or older than the age counted back
 * from the newest stored entry, are dropped, oldest first.</li>
 * </ul>
 * Failures are signalled as {@link ConnectorException}.
 */
public interface StreamArchive {

	/** Stores {@code entries} of {@code stream} (oldest first), then trims it to {@code retention}. */
	Mono<Void> store(String stream, List<HistoryEntry> entries, Retention retention);

	/** The stored history, for reading; appending to it directly is for a history without a hot tier. */
	StreamHistory history();

	/**
	 * The archive that stores with {@code storing} and reads {@code history}: a type of its own, so that an adapter
	 * offered as an archive is never taken for the hot history itself.
	 */
	static StreamArchive of(StreamHistory history, Storing storing) {
		return new StreamArchive() {

			@Override
			public Mono<Void> store(String stream, List<HistoryEntry> entries, Retention retention) {
				return storing.store(stream, entries, retention);
			}

			@Override
			public StreamHistory history() {
				return history;
			}

		};
	}

	/** {@link StreamArchive#store}, as an adapter implements it. */
	@FunctionalInterface
	interface Storing {

		Mono<Void> store(String stream, List<HistoryEntry> entries, Retention retention);

	}

}
