package io.sluice.record.write;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.tck.ForwardingRecordStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Group commit straight to the store, over the in-memory store with its batches held by the test. */
class StoreGroupCommitTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HeldBatches store = new HeldBatches();

	private final StoreGroupCommit commit = new StoreGroupCommit(this.store, 3);

	@Test
	void writesArrivingWhileABatchIsWrittenGoTogetherInTheNextUpToTheBatchSize() {
		List<String> done = new CopyOnWriteArrayList<>();
		for (int i = 1; i <= 5; i++) {
			String name = "gc/" + i;
			this.commit.write(VersionedRecord.of(name, 1, "{}")).subscribe(null, null, () -> done.add(name));
		}
		assertThat(this.store.batches).containsExactly(List.of("gc/1"));
		this.store.release(0);
		await().atMost(TIMEOUT).until(() -> this.store.batches.size() == 2);
		assertThat(this.store.batches.get(1)).containsExactly("gc/2", "gc/3", "gc/4");
		this.store.release(1);
		await().atMost(TIMEOUT).until(() -> this.store.batches.size() == 3);
		assertThat(this.store.batches.get(2)).containsExactly("gc/5");
		this.store.release(2);
		await().atMost(TIMEOUT).until(() -> done.size() == 5);
		assertThat(done).containsExactlyInAnyOrder("gc/1", "gc/2", "gc/3", "gc/4", "gc/5");
		StepVerifier.create(this.store.find("gc/5").map(VersionedRecord::version))
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aFailedBatchFailsItsWritersOnlyAndTheNextBatchGoesOn() {
		List<String> outcomes = new CopyOnWriteArrayList<>();
		for (String name : List.of("gc/failed", "gc/next")) {
			this.commit.write(VersionedRecord.of(name, 1, "{}"))
				.subscribe(null, (error) -> outcomes.add(name + " failed: " + error.getMessage()),
						() -> outcomes.add(name + " written"));
		}
		assertThat(this.store.batches).containsExactly(List.of("gc/failed"));
		this.store.fail(0, "disk full");
		await().atMost(TIMEOUT).until(() -> this.store.batches.size() == 2);
		this.store.release(1);
		await().atMost(TIMEOUT).until(() -> outcomes.size() == 2);
		assertThat(outcomes).containsExactly("gc/failed failed: test: disk full", "gc/next written");
		assertThat(this.store.batches).containsExactly(List.of("gc/failed"), List.of("gc/next"));
		StepVerifier.create(this.store.find("gc/failed")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void theNextBatchGoesToTheStoreBeforeTheLastOnesWritersAreAnswered() {
		List<Integer> batchesWhenAnswered = new CopyOnWriteArrayList<>();
		this.commit.write(VersionedRecord.of("gc/first", 1, "{}"))
			.subscribe(null, null, () -> batchesWhenAnswered.add(this.store.batches.size()));
		this.commit.write(VersionedRecord.of("gc/second", 1, "{}"))
			.subscribe(null, null, () -> batchesWhenAnswered.add(this.store.batches.size()));
		assertThat(this.store.batches).containsExactly(List.of("gc/first"));
		this.store.release(0);
		await().atMost(TIMEOUT).until(() -> batchesWhenAnswered.size() == 1);
		// gc/second's batch was with the store by the time gc/first's writer heard back.
		assertThat(batchesWhenAnswered).containsExactly(2);
		this.store.release(1);
		await().atMost(TIMEOUT).until(() -> batchesWhenAnswered.size() == 2);
		assertThat(batchesWhenAnswered).containsExactly(2, 2);
	}

	@Test
	void aStoreThatEndsEveryBatchAtOnceIsLoopedOverBatchAfterBatch() {
		InMemoryRecordStore immediate = new InMemoryRecordStore();
		StoreGroupCommit direct = new StoreGroupCommit(immediate, 2);
		List<String> done = new CopyOnWriteArrayList<>();
		// Each writer, when answered, asks for the next write: thousands of batches, each ended at once.
		int writes = 5000;
		IntConsumer[] next = new IntConsumer[1];
		next[0] = (i) -> {
			if (i < writes) {
				direct.write(VersionedRecord.of("gc/loop", i + 1, "{}")).subscribe(null, null, () -> {
					done.add("v" + (i + 1));
					next[0].accept(i + 1);
				});
			}
		};
		next[0].accept(0);
		await().atMost(TIMEOUT).until(() -> done.size() == writes);
		StepVerifier.create(immediate.find("gc/loop").map(VersionedRecord::version))
			.expectNext((long) writes)
			.expectComplete()
			.verify(TIMEOUT);
	}

	/** The in-memory store, each batch waiting until the test releases or fails it. */
	private static final class HeldBatches extends ForwardingRecordStore {

		private final List<List<String>> batches = new CopyOnWriteArrayList<>();

		private final List<Sinks.Empty<Void>> gates = new CopyOnWriteArrayList<>();

		HeldBatches() {
			super(new InMemoryRecordStore());
		}

		@Override
		public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
			Sinks.Empty<Void> gate = Sinks.empty();
			this.gates.add(gate);
			this.batches.add(records.stream().map(VersionedRecord::name).toList());
			return gate.asMono().then(super.upsertIfNewer(records));
		}

		void release(int batch) {
			assertThat(this.gates.get(batch).tryEmitEmpty().isSuccess()).isTrue();
		}

		void fail(int batch, String reason) {
			assertThat(this.gates.get(batch).tryEmitError(new ConnectorException("test", reason)).isSuccess()).isTrue();
		}

	}

}
