package io.sluice.record.write;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.tck.ForwardingRecordStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Reads after cache misses, grouped into one query, over the in-memory store with its queries held by the test. */
class StoreReadsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final HeldQueries store = new HeldQueries();

	private final StoreReads reads = new StoreReads(this.store, 3);

	@Test
	void readsArrivingWhileAQueryRunsGoTogetherInTheNextUpToTheGroupSize() {
		this.store.upsertIfNewer(List.of(VersionedRecord.of("sr/2", 4, "{}"), VersionedRecord.tombstone("sr/4", 2)))
			.block(TIMEOUT);
		List<String> answers = new CopyOnWriteArrayList<>();
		for (String name : List.of("sr/1", "sr/2", "sr/3", "sr/4", "sr/2")) {
			this.reads.find(name)
				.map((record) -> name + (record.deleted() ? " deleted at " : " at ") + record.version())
				.defaultIfEmpty(name + " missing")
				.subscribe(answers::add);
		}
		assertThat(this.store.queries).containsExactly(List.of("sr/1"));
		this.store.release(0);
		await().atMost(TIMEOUT).until(() -> this.store.queries.size() == 2);
		assertThat(this.store.queries.get(1)).containsExactly("sr/2", "sr/3", "sr/4");
		this.store.release(1);
		await().atMost(TIMEOUT).until(() -> this.store.queries.size() == 3);
		assertThat(this.store.queries.get(2)).containsExactly("sr/2");
		this.store.release(2);
		await().atMost(TIMEOUT).until(() -> answers.size() == 5);
		assertThat(answers).containsExactly("sr/1 missing", "sr/2 at 4", "sr/3 missing", "sr/4 deleted at 2",
				"sr/2 at 4");
	}

	@Test
	void aFailedQueryFailsItsReadsOnlyAndTheNextQueryGoesOn() {
		List<String> outcomes = new CopyOnWriteArrayList<>();
		for (String name : List.of("sr/failed", "sr/next")) {
			this.reads.find(name)
				.subscribe(null, (error) -> outcomes.add(name + " failed: " + error.getMessage()),
						() -> outcomes.add(name + " read"));
		}
		this.store.fail(0, "connection lost");
		await().atMost(TIMEOUT).until(() -> this.store.queries.size() == 2);
		this.store.release(1);
		await().atMost(TIMEOUT).until(() -> outcomes.size() == 2);
		assertThat(outcomes).containsExactly("sr/failed failed: test: connection lost", "sr/next read");
	}

	@Test
	void aStoreThatAnswersAtOnceAnswersEveryRead() {
		InMemoryRecordStore immediate = new InMemoryRecordStore();
		immediate.upsertIfNewer(List.of(VersionedRecord.of("sr/there", 1, "{}"))).block(TIMEOUT);
		StoreReads direct = new StoreReads(immediate, 2);
		StepVerifier.create(Flux.range(0, 1000).concatMap((i) -> direct.find((i % 2 == 0) ? "sr/there" : "sr/not"))
			.count())
			.expectNext(500L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	/** The in-memory store, each findMany waiting until the test releases or fails it. */
	private static final class HeldQueries extends ForwardingRecordStore {

		private final List<List<String>> queries = new CopyOnWriteArrayList<>();

		private final List<Sinks.Empty<Void>> gates = new CopyOnWriteArrayList<>();

		HeldQueries() {
			super(new InMemoryRecordStore());
		}

		@Override
		public Flux<VersionedRecord> findMany(Collection<String> names) {
			Sinks.Empty<Void> gate = Sinks.empty();
			this.gates.add(gate);
			this.queries.add(new ArrayList<>(names));
			return gate.asMono().thenMany(super.findMany(names));
		}

		void release(int query) {
			assertThat(this.gates.get(query).tryEmitEmpty().isSuccess()).isTrue();
		}

		void fail(int query, String reason) {
			assertThat(this.gates.get(query).tryEmitError(new ConnectorException("test", reason)).isSuccess()).isTrue();
		}

	}

}
