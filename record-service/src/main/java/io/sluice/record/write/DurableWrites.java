package io.sluice.record.write;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;

/**
 * Where a write that won its compare-and-set goes to become durable: the storage queue, or the store itself.
 * {@link DurablePipeline} hands each record over one group of consecutive versions at a time (the next only once
 * the last completed), so an implementation need not keep one record's writes in order across calls; different
 * records come concurrently.
 */
interface DurableWrites {

	/** Completes when {@code record} is durable; fails if that cannot be known. */
	Mono<Void> write(VersionedRecord record);

	/**
	 * Makes consecutive versions of one record durable, oldest first. Every version holds the whole record, so once
	 * a version is durable every change up to it is. The default writes only the newest, since a store keeps only
	 * the newest anyway.
	 * @return up to which version the changes are durable, and why the later ones are not; fails if none is known
	 *     to be durable
	 */
	default Mono<Outcome> writeVersions(List<VersionedRecord> versions) {
		VersionedRecord newest = versions.get(versions.size() - 1);
		return write(newest).thenReturn(new Outcome(newest.version(), null));
	}

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

			/**
			 * Offers every version, back to back in version order: the queue delivers one record's writes in the
			 * order offered, so the storage worker sees each version, and the offers travel together. If one fails
			 * and a later one is taken, the later one carries the failed one's change into storage: the outcome says
			 * so, and only what comes after the last version taken fails.
			 */
			@Override
			public Mono<Outcome> writeVersions(List<VersionedRecord> versions) {
				return Mono.<List<Optional<Throwable>>>create((sink) -> offerAll(versions, sink))
					.flatMap((results) -> Outcome.of(versions, results));
			}

			/** Makes every offer at once, in order, and gives each one's result, in the same order, once all are in. */
			private void offerAll(List<VersionedRecord> versions, MonoSink<List<Optional<Throwable>>> sink) {
				int count = versions.size();
				if (count == 0) {
					sink.success(List.of());
					return;
				}
				@SuppressWarnings("unchecked")
				Optional<Throwable>[] results = new Optional[count];
				AtomicInteger left = new AtomicInteger(count);
				for (int i = 0; i < count; i++) {
					int index = i;
					Runnable done = () -> {
						// Each result is set before the count goes down, so the last one down sees them all.
						if (left.decrementAndGet() == 0) {
							sink.success(Arrays.asList(results));
						}
					};
					// The offers' own outcomes, gathered into the one the caller subscribed to: not a request path.
					queue.offer(versions.get(i)).subscribe(null, (ex) -> {
						results[index] = Optional.of(ex);
						done.run();
					}, () -> {
						results[index] = Optional.empty();
						done.run();
					});
				}
			}

			@Override
			public Mono<Void> drained(String name) {
				// The record's own writes are all the store must hold before it is read for this record.
				return queue.drainedRecord(name);
			}

		};
	}

	/**
	 * What became durable of a group of versions.
	 * @param durableUpTo the version up to which every change is durable
	 * @param failure why the versions after it are not, or {@code null} if there are none
	 */
	record Outcome(long durableUpTo, Throwable failure) {

		/** From each version's own result, in order: empty for taken, else why not. */
		static Mono<Outcome> of(List<VersionedRecord> versions, List<Optional<Throwable>> results) {
			int lastTaken = -1;
			for (int i = 0; i < results.size(); i++) {
				if (results.get(i).isEmpty()) {
					lastTaken = i;
				}
			}
			Throwable failure = null;
			for (int i = lastTaken + 1; i < results.size() && failure == null; i++) {
				failure = results.get(i).orElse(null);
			}
			if (lastTaken < 0) {
				return Mono.error(failure);
			}
			return Mono.just(new Outcome(versions.get(lastTaken).version(), failure));
		}

	}

}
