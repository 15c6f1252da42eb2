package io.sluice.record.write;

/**
 * What the record service tells about its work, for metrics. Called on whichever thread the work ends on, often an
 * event loop: an implementation must be quick and must not block.
 */
public interface RecordServiceListener {

	/** Listens to nothing. */
	RecordServiceListener NONE = new RecordServiceListener() {
	};

	/**
	 * A write was answered.
	 * @param operation what it was
	 * @param outcome how it ended
	 * @param nanos from its subscription to its answer: for a write that succeeded, until it was durable
	 */
	default void written(Operation operation, Outcome outcome, long nanos) {
	}

	/** A read of the cache found the record ({@code hit}) or did not. */
	default void cacheRead(boolean hit) {
	}

	/** A compare-and-set lost to another writer and the write is judged again against what is current. */
	default void casRetried() {
	}

	/** A read waited {@code nanos} for the storage queue to hand the store a record's pending writes. */
	default void drainWaited(long nanos) {
	}

	/** The writes counted. */
	enum Operation {

		SET, PATCH, ERASE, DELETE

	}

	/** How a write ended. */
	enum Outcome {

		/** Durable and acknowledged. */
		OK,
		/** Its version was taken already ({@link io.sluice.record.VersionExistsException}). */
		CONFLICT,
		/** Refused: invalid data, path or version. */
		INVALID,
		/** A delete of a record that does not exist. */
		NOT_FOUND,
		/** The store, cache or queue could not take it, or too many writers raced. */
		FAILED

	}

}
