package io.sluice.record;

import reactor.core.publisher.Mono;

import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;

/**
 * Where a write that won its compare-and-set goes to become durable: the storage queue, or the store itself.
 * {@link DurablePipeline} hands each record over one write at a time (the next only once the last completed), so
 * an implementation need not keep one record's writes in order itself; writes of different records come
 * concurrently.
 */
interface DurableWrites {

	/** Completes when {@code record} is durable; fails if that cannot be known. */
	Mono<Void> write(VersionedRecord record);

	/** Completes when the store holds every durable write to {@code name} made before the call. */
	Mono<Void> drained(String name);

	/** Durability in the store itself, committing concurrent writes together. */
	static DurableWrites direct(RecordStore store) {
		return new StoreGroupCommit(store, 1000);
	}

	/** Durability through the storage queue: the storage worker moves writes into the store. */
	static DurableWrites through(StorageQueue queue) {
		return new DurableWrites() {

			@Override
			public Mono<Void> write(VersionedRecord record) {
				return queue.offer(record);
			}

			@Override
			public Mono<Void> drained(String name) {
				return queue.drained(name);
			}

		};
	}

}
