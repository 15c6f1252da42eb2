package io.sluice.connector.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.connector.StorageQueue;
import io.sluice.connector.StorageQueue.Batch;
import io.sluice.connector.VersionedRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link StorageQueue}. An adapter's test extends this class and supplies the queue under test
 * through {@link #queue()}, which is called once before each test. A fresh, empty queue per test is simplest;
 * a shared queue works too, because each test only looks at writes to records under a prefix of its own and
 * commits every batch it means to have handled (leftovers of other tests in a batch are committed with it).
 */
public abstract class StorageQueueContract {

	private StorageQueue queue;

	private String prefix;

	/** The queue under test; called once before each test. */
	protected abstract StorageQueue queue();

	/** How long any one step may take before the test fails. */
	protected Duration timeout() {
		return Duration.ofSeconds(10);
	}

	/**
	 * How long to watch for something that must not happen, such as {@link StorageQueue#drained} completing
	 * before a commit.
	 */
	protected Duration quietWindow() {
		return Duration.ofMillis(300);
	}

	@BeforeEach
	void setUpQueue() {
		this.queue = queue();
		this.prefix = TckNames.unique("queue");
	}

	@Test
	void offeredWritesAreConsumed() {
		List<VersionedRecord> writes = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			writes.add(VersionedRecord.of(this.prefix + "r" + i, 1, "{\"i\":" + i + "}"));
		}
		offerAll(writes);
		List<VersionedRecord> consumed = consume(true, (seen) -> seen.size() >= writes.size());
		assertThat(consumed).containsExactlyInAnyOrderElementsOf(writes);
	}

	@Test
	void tombstonesAreQueuedLikeAnyWrite() {
		VersionedRecord tombstone = VersionedRecord.tombstone(this.prefix + "gone", 3);
		offerAll(List.of(tombstone));
		assertThat(consume(true, (seen) -> !seen.isEmpty())).containsExactly(tombstone);
	}

	@Test
	void writesToOneRecordArriveInOfferOrderAcrossManyRecordsAndPartitions() {
		int records = 64;
		int versions = 20;
		// Each record's versions are offered one after the other, the records concurrently with each other.
		StepVerifier.create(Flux.range(0, records)
			.flatMap((r) -> Flux.range(1, versions)
				.concatMap((v) -> this.queue.offer(VersionedRecord.of(this.prefix + "r" + r, v, "{\"v\":" + v + "}"))),
					16)
			.then())
			.expectComplete()
			.verify(timeout());
		Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
		Map<String, Boolean> splitRecords = new ConcurrentHashMap<>();
		List<VersionedRecord> consumed = consume(true, (seen) -> seen.size() >= records * versions, (batch) -> {
			for (VersionedRecord write : batch.writes()) {
				Integer earlier = partitionOf.putIfAbsent(write.name(), batch.partition());
				if (earlier != null && earlier != batch.partition()) {
					splitRecords.put(write.name(), true);
				}
			}
		});
		assertThat(splitRecords).as("records whose writes came from more than one partition").isEmpty();
		assertThat(consumed).hasSize(records * versions);
		Map<String, List<Long>> versionsByRecord = new HashMap<>();
		for (VersionedRecord write : consumed) {
			versionsByRecord.computeIfAbsent(write.name(), (name) -> new ArrayList<>()).add(write.version());
		}
		List<Long> expected = new ArrayList<>();
		for (long v = 1; v <= versions; v++) {
			expected.add(v);
		}
		assertThat(versionsByRecord).hasSize(records);
		versionsByRecord.forEach((name, seen) -> assertThat(seen).as(name).isEqualTo(expected));
	}

	@Test
	void uncommittedWritesAreDeliveredAgainToTheNextConsumer() {
		List<VersionedRecord> writes = new ArrayList<>();
		for (int v = 1; v <= 5; v++) {
			writes.add(VersionedRecord.of(this.prefix + "r", v, "{\"v\":" + v + "}"));
			writes.add(VersionedRecord.of(this.prefix + "s", v, "{\"v\":" + v + "}"));
		}
		offerAll(writes);
		List<VersionedRecord> first = consume(false, (seen) -> seen.size() >= writes.size());
		assertThat(first).containsExactlyInAnyOrderElementsOf(writes);
		List<VersionedRecord> again = consume(true, (seen) -> seen.size() >= writes.size());
		assertThat(again).containsExactlyInAnyOrderElementsOf(writes);
		assertThat(onlyOf(again, this.prefix + "r")).isEqualTo(onlyOf(writes, this.prefix + "r"));
		assertThat(onlyOf(again, this.prefix + "s")).isEqualTo(onlyOf(writes, this.prefix + "s"));
	}

	@Test
	void committedWritesAreNotDeliveredAgain() {
		List<VersionedRecord> writes = new ArrayList<>();
		List<VersionedRecord> later = new ArrayList<>();
		for (int r = 0; r < 8; r++) {
			for (int v = 1; v <= 3; v++) {
				writes.add(VersionedRecord.of(this.prefix + "r" + r, v, "{\"v\":" + v + "}"));
			}
			later.add(VersionedRecord.of(this.prefix + "r" + r, 4, "{\"v\":4}"));
		}
		offerAll(writes);
		assertThat(consume(true, (seen) -> seen.size() >= writes.size())).hasSize(writes.size());
		offerAll(later);
		// Order per record fences the check: a redelivered version 1 to 3 would arrive before that record's 4.
		List<VersionedRecord> next = consume(true,
				(seen) -> seen.stream().filter((write) -> write.version() == 4).count() >= later.size());
		assertThat(next).containsExactlyInAnyOrderElementsOf(later);
	}

	@Test
	void drainedWaitsUntilEveryEarlierWriteToTheRecordsPartitionIsCommitted() {
		waitsForTheRecordsWritesToBeCommitted(this.queue::drained, this.prefix + "pending");
	}

	@Test
	void drainedRecordWaitsUntilEveryEarlierWriteToTheRecordIsCommitted() {
		waitsForTheRecordsWritesToBeCommitted(this.queue::drainedRecord, this.prefix + "own");
	}

	private void waitsForTheRecordsWritesToBeCommitted(Function<String, Mono<Void>> drained, String name) {
		offerAll(List.of(VersionedRecord.of(name, 1, "{}"), VersionedRecord.of(name, 2, "{}")));
		// Seen but not committed: the queue is not drained for this record.
		assertThat(consume(false, (seen) -> seen.size() >= 2)).hasSize(2);
		StepVerifier.create(drained.apply(name))
			.expectSubscription()
			.expectNoEvent(quietWindow())
			.then(() -> assertThat(consume(true, (seen) -> seen.size() >= 2)).hasSize(2))
			.expectComplete()
			.verify(timeout());
		// Nothing is pending for it any more, so a new wait ends at once.
		StepVerifier.create(drained.apply(name)).expectComplete().verify(timeout());
	}

	@Test
	void eachBatchSaysHowManyWritesOfItsPartitionCameAfterIt() {
		String name = this.prefix + "lagging";
		int versions = 6;
		List<VersionedRecord> writes = new ArrayList<>();
		for (int v = 1; v <= versions; v++) {
			writes.add(VersionedRecord.of(name, v, "{\"v\":" + v + "}"));
		}
		offerAll(writes);
		// Nothing is offered to the partition after this record's writes, so a batch ending at version k has
		// exactly the versions after k behind it.
		Map<Long, Long> lagAfterVersion = new ConcurrentHashMap<>();
		consume(true, (seen) -> seen.size() >= versions, (batch) -> {
			List<VersionedRecord> in = batch.writes();
			VersionedRecord last = in.get(in.size() - 1);
			if (last.name().equals(name)) {
				lagAfterVersion.put(last.version(), batch.lag());
			}
		});
		assertThat(lagAfterVersion).as("lag of the batches that ended at a version of " + name)
			.isNotEmpty()
			.containsEntry((long) versions, 0L)
			.allSatisfy((version, lag) -> assertThat(lag).as("lag after v" + version).isEqualTo(versions - version));
	}

	/** Offers the writes one after the other, each once the previous offer has completed. */
	private void offerAll(List<VersionedRecord> writes) {
		StepVerifier.create(Flux.fromIterable(writes).concatMap(this.queue::offer).then())
			.expectComplete()
			.verify(timeout());
	}

	private List<VersionedRecord> consume(boolean commit, Predicate<List<VersionedRecord>> done) {
		return consume(commit, done, (batch) -> {
		});
	}

	/**
	 * Subscribes to {@link StorageQueue#consume()} until {@code done} holds for the writes to this test's
	 * records seen so far, committing each batch once seen if {@code commit}, and then cancels.
	 */
	private List<VersionedRecord> consume(boolean commit, Predicate<List<VersionedRecord>> done,
			Consumer<Batch> inspect) {
		List<VersionedRecord> seen = Collections.synchronizedList(new ArrayList<>());
		Flux<Batch> batches = this.queue.consume()
			.doOnNext(inspect)
			.doOnNext((batch) -> batch.writes()
				.stream()
				.filter((write) -> write.name().startsWith(this.prefix))
				.forEach(seen::add))
			.concatMap((batch) -> commit ? batch.commit().thenReturn(batch) : Mono.just(batch))
			.takeUntil((batch) -> done.test(List.copyOf(seen)));
		StepVerifier.create(batches.then()).expectComplete().verify(timeout());
		return List.copyOf(seen);
	}

	private static List<VersionedRecord> onlyOf(List<VersionedRecord> writes, String name) {
		return writes.stream().filter((write) -> write.name().equals(name)).toList();
	}

}
