package io.sluice.storage;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.memory.InMemoryStorageQueue;
import io.sluice.connector.tck.ForwardingRecordStore;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping the worker finishes the batch in hand and starts no other. */
class StorageWorkerShutdownTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** One partition and batches of one write: the three writes below are three batches, in order. */
	private final InMemoryStorageQueue queue = new InMemoryStorageQueue(1, 1);

	private final InMemoryRecordStore stored = new InMemoryRecordStore();

	private final GatedStore store = new GatedStore(this.stored);

	@Test
	void aBatchBeingWrittenAtShutdownIsStoredAndCommittedAndNoneIsStartedAfter() {
		StorageWorker worker = new StorageWorker(this.queue, this.store, properties(Duration.ofSeconds(10)));
		offer(3);
		worker.start();
		// The first batch has reached the store, which holds it until the gate opens.
		StepVerifier.create(this.store.entered.asMono()).expectComplete().verify(TIMEOUT);
		Sinks.Empty<Void> stopped = Sinks.empty();
		worker.stop(stopped::tryEmitEmpty);
		assertThat(worker.isRunning()).isFalse();
		StepVerifier.create(stopped.asMono())
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(200))
			.then(this.store.gate::tryEmitEmpty)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.store.calls.get()).as("store writes started").isEqualTo(1);
		assertThat(worker.batchesCommitted()).isEqualTo(1);
		StepVerifier.create(this.stored.find("shutdown/r").map(VersionedRecord::version))
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
		// The first batch was committed, the second not: the next consumer starts at version 2.
		StepVerifier.create(this.queue.consume().next().map((batch) -> batch.writes().get(0).version()))
			.expectNext(2L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aBatchThatCannotFinishWithinTheShutdownTimeoutIsLeftUncommitted() {
		StorageWorker worker = new StorageWorker(this.queue, this.store, properties(Duration.ofMillis(200)));
		offer(2);
		worker.start();
		StepVerifier.create(this.store.entered.asMono()).expectComplete().verify(TIMEOUT);
		Sinks.Empty<Void> stopped = Sinks.empty();
		// The gate never opens: the worker gives up on the batch after the timeout and still stops.
		worker.stop(stopped::tryEmitEmpty);
		StepVerifier.create(stopped.asMono()).expectComplete().verify(TIMEOUT);
		assertThat(worker.batchesCommitted()).isZero();
		StepVerifier.create(this.queue.consume().next().map((batch) -> batch.writes().get(0).version()))
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aStoppedWorkerStartsAgainFromTheLastCommit() {
		StorageWorker worker = new StorageWorker(this.queue, this.store, properties(Duration.ofSeconds(10)));
		this.store.gate.tryEmitEmpty();
		offer(3);
		worker.start();
		StepVerifier.create(this.queue.drained("shutdown/r")).expectComplete().verify(TIMEOUT);
		worker.stop();
		this.queue.offer(VersionedRecord.of("shutdown/r", 4, "{}")).block(TIMEOUT);
		worker.start();
		try {
			StepVerifier.create(this.queue.drained("shutdown/r")).expectComplete().verify(TIMEOUT);
			assertThat(worker.batchesCommitted()).isEqualTo(4);
		}
		finally {
			worker.stop();
		}
	}

	@Test
	void closingTheApplicationContextWaitsForTheBatchInHand() {
		offer(2);
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(StorageWorkerAutoConfiguration.class))
			.withBean(InMemoryStorageQueue.class, () -> this.queue)
			.withBean(GatedStore.class, () -> this.store)
			.withPropertyValues("sluice.worker.min-backoff=5ms", "sluice.worker.max-backoff=20ms")
			.run((context) -> {
				StorageWorker worker = context.getBean(StorageWorker.class);
				StepVerifier.create(this.store.entered.asMono()).expectComplete().verify(TIMEOUT);
				// The store lets the batch through only once the context has begun to stop the worker.
				Mono.fromCallable(worker::isRunning)
					.filter((running) -> !running)
					.repeatWhenEmpty((empty) -> empty.delayElements(Duration.ofMillis(5)))
					.subscribe((stopped) -> this.store.gate.tryEmitEmpty());
				context.close();
				assertThat(worker.batchesCommitted()).as("batches committed when close returned").isEqualTo(1);
				assertThat(this.store.calls.get()).as("store writes started").isEqualTo(1);
			});
		StepVerifier.create(this.queue.consume().next().map((batch) -> batch.writes().get(0).version()))
			.expectNext(2L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	private void offer(int versions) {
		for (int version = 1; version <= versions; version++) {
			this.queue.offer(VersionedRecord.of("shutdown/r", version, "{\"v\":" + version + "}")).block(TIMEOUT);
		}
	}

	private static StorageWorkerProperties properties(Duration shutdownTimeout) {
		return new StorageWorkerProperties(true, Duration.ofMillis(5), Duration.ofMillis(20), shutdownTimeout,
				StorageWorkerProperties.Breaker.DEFAULTS);
	}

	/** The in-memory store, holding every write until its gate opens; tells when the first write arrives. */
	private static final class GatedStore extends ForwardingRecordStore {

		private final Sinks.Empty<Void> gate = Sinks.empty();

		private final Sinks.Empty<Void> entered = Sinks.empty();

		private final AtomicInteger calls = new AtomicInteger();

		GatedStore(RecordStore delegate) {
			super(delegate);
		}

		@Override
		public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
			return Mono.defer(() -> {
				this.calls.incrementAndGet();
				this.entered.tryEmitEmpty();
				return this.gate.asMono().then(Mono.defer(() -> delegate().upsertIfNewer(records)));
			});
		}

	}

}
