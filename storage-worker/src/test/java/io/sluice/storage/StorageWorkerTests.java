package io.sluice.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.memory.InMemoryStorageQueue;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class StorageWorkerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final InMemoryStorageQueue queue = new InMemoryStorageQueue(4, 64);

	private final FlakyStore store = new FlakyStore(new InMemoryRecordStore());

	private final StorageWorker worker = new StorageWorker(this.queue, this.store,
			new StorageWorkerProperties(true, Duration.ofMillis(5), Duration.ofMillis(20)));

	@Test
	void everyRecordReachesTheStoreAtItsLastVersion() {
		for (int version = 1; version <= 20; version++) {
			for (int record = 0; record < 50; record++) {
				this.queue.offer(VersionedRecord.of("worker/last/" + record, version, "{\"v\":" + version + "}"))
					.block(TIMEOUT);
			}
		}
		this.worker.start();
		try {
			for (int record = 0; record < 50; record++) {
				StepVerifier.create(this.queue.drained("worker/last/" + record)).expectComplete().verify(TIMEOUT);
				StepVerifier.create(this.store.find("worker/last/" + record).map(VersionedRecord::version))
					.expectNext(20L)
					.expectComplete()
					.verify(TIMEOUT);
			}
		}
		finally {
			this.worker.stop();
		}
		assertThat(this.worker.batchesCommitted()).isPositive();
	}

	@Test
	void offsetIsCommittedOnlyAfterWriteAndAFailingStoreIsRetriedUntilItTakesTheBatch() {
		this.store.failuresLeft.set(3);
		this.queue.offer(VersionedRecord.of("worker/retry", 1, "{}")).block(TIMEOUT);
		this.worker.start();
		try {
			StepVerifier.create(this.queue.drained("worker/retry")).expectComplete().verify(TIMEOUT);
			assertThat(this.store.attempts.get()).isGreaterThanOrEqualTo(4);
			StepVerifier.create(this.store.find("worker/retry").map(VersionedRecord::version))
				.expectNext(1L)
				.expectComplete()
				.verify(TIMEOUT);
		}
		finally {
			this.worker.stop();
		}
	}

	@Test
	void whileTheStoreIsDownNothingIsCommitted() {
		this.store.failuresLeft.set(Integer.MAX_VALUE);
		this.queue.offer(VersionedRecord.of("worker/down", 1, "{}")).block(TIMEOUT);
		this.worker.start();
		try {
			StepVerifier.create(this.queue.drained("worker/down"))
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(300))
				.then(() -> this.store.failuresLeft.set(0))
				.expectComplete()
				.verify(TIMEOUT);
		}
		finally {
			this.worker.stop();
		}
	}

	@Test
	void aWorkerStartsWhereverThereIsAQueueAndAStore() {
		ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
				AutoConfigurations.of(MemoryConnectorAutoConfiguration.class, StorageWorkerAutoConfiguration.class));
		runner.run((context) -> assertThat(context).doesNotHaveBean(StorageWorker.class));
		runner.withPropertyValues("sluice.queue.type=memory")
			.run((context) -> assertThat(context).hasSingleBean(StorageWorker.class));
		runner.withPropertyValues("sluice.queue.type=memory", "sluice.worker.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(StorageWorker.class));
		runner.withPropertyValues("sluice.queue.type=memory", "sluice.worker.max-backoff=1ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sluice.worker.max-backoff"));
	}

	/** The in-memory store, failing a set number of writes the way an unreachable database does. */
	private static final class FlakyStore implements RecordStore {

		private final RecordStore delegate;

		private final AtomicInteger failuresLeft = new AtomicInteger();

		private final AtomicInteger attempts = new AtomicInteger();

		FlakyStore(RecordStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public Mono<VersionedRecord> find(String name) {
			return this.delegate.find(name);
		}

		@Override
		public Flux<VersionedRecord> findMany(Collection<String> names) {
			return this.delegate.findMany(names);
		}

		@Override
		public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
			return Mono.defer(() -> {
				this.attempts.incrementAndGet();
				if (this.failuresLeft.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
					return Mono.error(new ConnectorException("test", "database unreachable"));
				}
				return this.delegate.upsertIfNewer(new ArrayList<>(records));
			});
		}

		@Override
		public Flux<VersionedRecord> scan(String prefix) {
			return this.delegate.scan(prefix);
		}

	}

}
