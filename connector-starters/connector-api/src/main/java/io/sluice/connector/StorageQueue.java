package io.sluice.connector;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The durable queue between the cache and the store: writes that won their compare-and-set wait here until
 * the storage worker has put them in the store.
 *
 * <p>Guarantees every adapter gives:
 * <ul>
 * <li><b>Durable offer.</b> When {@link #offer} completes, the write survives a crash of the process and of
 * the cache; when it fails, the write may or may not have been taken (callers treat it as not taken and
 * make cache and store agree).</li>
 * <li><b>Order per record.</b> Writes to one record are delivered in the order they were offered; all writes
 * to a record go to one partition.</li>
 * <li><b>At least once, commit after handling.</b> A batch is committed only by {@link Batch#commit()};
 * anything not committed is delivered again to the next consumer, so nothing is lost when a consumer
 * dies.</li>
 * </ul>
 * Failures are signalled as {@link ConnectorException}.
 */
public interface StorageQueue {

	/** Puts one write (a new version or a tombstone) in the queue. */
	Mono<Void> offer(VersionedRecord write);

	/**
	 * Consumes the queue in batches, each from one partition, starting after the last commit. Batches of one
	 * partition are delivered in order. Cancelling the subscription leaves uncommitted writes in the queue.
	 */
	Flux<Batch> consume();

	/**
	 * Completes once every write to {@code name}'s partition offered before this call has been committed by a
	 * consumer; used before refilling a cache from the store, so that the store already holds every
	 * acknowledged write.
	 */
	Mono<Void> drained(String name);

	/**
	 * Completes once every write to {@code name} itself offered before this call has been committed by a
	 * consumer: writes to other records of its partition may still be pending. Enough before reading {@code name}
	 * alone from the store, and it need not wait for a busy partition: a record with nothing pending completes at
	 * once. An adapter that cannot tell records apart waits for the whole partition, as {@link #drained} does (the
	 * default).
	 */
	default Mono<Void> drainedRecord(String name) {
		return drained(name);
	}

	/** A batch of writes from one partition, in order. */
	interface Batch {

		/** The partition these writes came from. */
		int partition();

		/** The writes, oldest first. */
		List<VersionedRecord> writes();

		/** Marks every write in this batch (and before it in its partition) as handled. */
		Mono<Void> commit();

		/**
		 * How far the consumer is behind in this batch's partition: the writes offered to the partition after
		 * this batch's last one, counted when the batch was taken from the queue (offers made later are not in
		 * it). Zero means the batch reached the end of the partition as it was then. Never negative unless
		 * unknown: {@code -1} when the adapter could not tell. A snapshot for metrics, not a position to act on.
		 */
		default long lag() {
			return -1;
		}

	}

}
