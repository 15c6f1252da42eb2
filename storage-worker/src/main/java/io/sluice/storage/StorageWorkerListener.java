package io.sluice.storage;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * What the storage worker tells about its work, for metrics. Called on the worker's own threads, in the order
 * things happen for a partition; an implementation must be quick and must not block.
 */
public interface StorageWorkerListener {

	/** Listens to nothing. */
	StorageWorkerListener NONE = new StorageWorkerListener() {
	};

	/**
	 * A batch is about to be written.
	 * @param partition its partition
	 * @param size the writes in it
	 * @param lag the partition's writes after it when it was taken from the queue, or -1 if the queue could not
	 *     tell
	 */
	default void batchTaken(int partition, int size, long lag) {
	}

	/** A batch is in the store and committed; {@code written} of its writes were newer than what was stored. */
	default void batchStored(int partition, int written) {
	}

	/** A write reached the store and failed (a write the open breaker kept from the store is not counted). */
	default void storeFailed(Throwable error) {
	}

	/** The circuit breaker around store writes moved to {@code state}. */
	default void breakerChanged(CircuitBreaker.State state) {
	}

}
