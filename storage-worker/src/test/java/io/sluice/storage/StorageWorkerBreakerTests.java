package io.sluice.storage;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.memory.InMemoryStorageQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The circuit breaker around store writes, on virtual time: minutes of outage run in no time at all. */
class StorageWorkerBreakerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration OPEN_WAIT = Duration.ofSeconds(30);

	/** One partition, so the five writes below are one batch. */
	private final InMemoryStorageQueue queue = new InMemoryStorageQueue(1, 64);

	private final InMemoryRecordStore stored = new InMemoryRecordStore();

	private final FlakyStore store = new FlakyStore(this.stored);

	// Four failed writes in a row open the breaker; one probe after 30 s decides whether it closes.
	private final StorageWorker worker = new StorageWorker(this.queue, this.store,
			new StorageWorkerProperties(true, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5),
					new StorageWorkerProperties.Breaker(50, 4, 4, OPEN_WAIT, 1)));

	@Test
	void theBreakerOpensWhileTheStoreIsDownNothingIsCommittedAndEverythingLandsOnceItIsBack() {
		for (int version = 1; version <= 5; version++) {
			this.queue.offer(VersionedRecord.of("breaker/r", version, "{\"v\":" + version + "}")).block(TIMEOUT);
		}
		AtomicBoolean drained = new AtomicBoolean();
		this.queue.drained("breaker/r").doOnSuccess((done) -> drained.set(true)).subscribe();
		this.store.failuresLeft.set(Integer.MAX_VALUE);
		StepVerifier.withVirtualTime(this.worker::drain)
			.expectSubscription()
			// The first retries back off 100 ms, 200 ms, 400 ms (with jitter): by 5 s four writes have failed.
			.thenAwait(Duration.ofSeconds(5))
			.then(() -> {
				assertThat(this.worker.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
				assertThat(this.store.attempts.get()).as("writes that reached the store").isEqualTo(4);
				assertThat(drained).as("committed").isFalse();
			})
			// Retries go on every second, but while the breaker is open none of them reaches the store.
			.thenAwait(Duration.ofSeconds(20))
			.then(() -> assertThat(this.store.attempts.get()).as("writes that reached the store").isEqualTo(4))
			// After the open wait one probe goes through, fails, and the breaker opens again.
			.thenAwait(Duration.ofSeconds(10))
			.then(() -> {
				assertThat(this.store.attempts.get()).as("writes that reached the store").isEqualTo(5);
				assertThat(this.worker.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
				assertThat(drained).as("committed").isFalse();
			})
			// The store comes back; the next probe (within the open wait and a backoff) closes the breaker.
			.then(() -> this.store.failuresLeft.set(0))
			.thenAwait(OPEN_WAIT.plusSeconds(5))
			.assertNext((batch) -> assertThat(batch.writes()).hasSize(5))
			.then(() -> {
				assertThat(this.worker.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
				assertThat(this.store.attempts.get()).as("writes that reached the store").isEqualTo(6);
				assertThat(drained).as("committed").isTrue();
				assertThat(this.worker.batchesCommitted()).isEqualTo(1);
			})
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(this.stored.find("breaker/r").map(VersionedRecord::version))
			.expectNext(5L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void withManyPartitionsAnOpenBreakerKeepsEveryOneOfThemFromTheStoreUntilItIsBack() {
		InMemoryStorageQueue partitioned = new InMemoryStorageQueue(8, 64);
		StorageWorker spread = new StorageWorker(partitioned, this.store,
				new StorageWorkerProperties(true, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5),
						new StorageWorkerProperties.Breaker(50, 4, 4, OPEN_WAIT, 1)));
		Set<Integer> partitions = new HashSet<>();
		for (int record = 0; record < 40; record++) {
			String name = "breaker/many/r" + record;
			partitions.add(partitioned.partitionOf(name));
			for (int version = 1; version <= 3; version++) {
				partitioned.offer(VersionedRecord.of(name, version, "{}")).block(TIMEOUT);
			}
		}
		this.store.failuresLeft.set(Integer.MAX_VALUE);
		AtomicInteger reachedStore = new AtomicInteger();
		StepVerifier.withVirtualTime(spread::drain)
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(5))
			.then(() -> {
				assertThat(spread.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
				reachedStore.set(this.store.attempts.get());
			})
			// Every partition keeps retrying, and none of them reaches the store while the breaker is open.
			.thenAwait(Duration.ofSeconds(20))
			.then(() -> assertThat(this.store.attempts.get()).isEqualTo(reachedStore.get()))
			.then(() -> this.store.failuresLeft.set(0))
			.thenAwait(OPEN_WAIT.plusSeconds(10))
			.expectNextCount(partitions.size())
			.then(() -> assertThat(spread.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED))
			.thenCancel()
			.verify(TIMEOUT);
		for (int record = 0; record < 40; record++) {
			String name = "breaker/many/r" + record;
			StepVerifier.create(partitioned.drained(name)).expectComplete().verify(TIMEOUT);
			StepVerifier.create(this.stored.find(name).map(VersionedRecord::version))
				.expectNext(3L)
				.expectComplete()
				.verify(TIMEOUT);
		}
	}

}
