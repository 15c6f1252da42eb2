package io.sluice.storage;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.memory.InMemoryStorageQueue;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class StorageWorkerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final InMemoryStorageQueue queue = new InMemoryStorageQueue(4, 64);

	private final FlakyStore store = new FlakyStore(new InMemoryRecordStore());

	// An open breaker lets a probe through after 50 ms, so a store that is back is used again soon.
	private final StorageWorker worker = new StorageWorker(this.queue, this.store,
			new StorageWorkerProperties(true, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(5),
					new StorageWorkerProperties.Breaker(50, 10, 5, Duration.ofMillis(50), 1)));

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

	@Test
	void breakerAndShutdownSettingsAreBoundAndABadOneIsNamed() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(MemoryConnectorAutoConfiguration.class, StorageWorkerAutoConfiguration.class))
			.withPropertyValues("sluice.queue.type=memory");
		runner.run((context) -> assertThat(context.getBean(StorageWorkerProperties.class))
			.isEqualTo(StorageWorkerProperties.withBackoff(Duration.ofMillis(100), Duration.ofSeconds(10))));
		runner.withPropertyValues("sluice.worker.shutdown-timeout=3s", "sluice.worker.breaker.open-wait=2m",
				"sluice.worker.breaker.sliding-window=20", "sluice.worker.breaker.minimum-calls=20",
				"sluice.worker.breaker.failure-rate-threshold=80", "sluice.worker.breaker.half-open-calls=3")
			.run((context) -> assertThat(context.getBean(StorageWorkerProperties.class)).satisfies((properties) -> {
				assertThat(properties.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.breaker())
					.isEqualTo(new StorageWorkerProperties.Breaker(80, 20, 20, Duration.ofMinutes(2), 3));
			}));
		for (String bad : List.of("sluice.worker.shutdown-timeout=0s", "sluice.worker.breaker.open-wait=-1s",
				"sluice.worker.breaker.failure-rate-threshold=101", "sluice.worker.breaker.sliding-window=0",
				"sluice.worker.breaker.minimum-calls=11", "sluice.worker.breaker.half-open-calls=0")) {
			runner.withPropertyValues(bad)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.hasMessageContaining(bad.substring(0, bad.indexOf('='))));
		}
	}

}
