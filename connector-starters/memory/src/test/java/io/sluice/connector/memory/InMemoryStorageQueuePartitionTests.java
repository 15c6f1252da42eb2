package io.sluice.connector.memory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.connector.StorageQueue.Batch;
import io.sluice.connector.VersionedRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InMemoryStorageQueuePartitionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@Test
	void recordsAreSpreadOverSixteenPartitionsByDefault() {
		InMemoryStorageQueue queue = new InMemoryStorageQueue();
		Set<Integer> used = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			int partition = queue.partitionOf("record/" + i);
			assertThat(partition).isBetween(0, 15).isEqualTo(queue.partitionOf("record/" + i));
			used.add(partition);
		}
		assertThat(queue.partitions()).isEqualTo(16);
		assertThat(used).hasSize(16);
	}

	@Test
	void batchesHoldAtMostTheMaximumAndComeFromTheRecordsPartition() {
		InMemoryStorageQueue queue = new InMemoryStorageQueue(4, 3);
		for (int v = 1; v <= 7; v++) {
			queue.offer(VersionedRecord.of("r", v, "{}")).block(Duration.ofSeconds(5));
		}
		StepVerifier.create(queue.consume().take(3))
			.assertNext((batch) -> {
				assertThat(batch.partition()).isEqualTo(queue.partitionOf("r"));
				assertThat(batch.writes()).extracting(VersionedRecord::version).containsExactly(1L, 2L, 3L);
			})
			.assertNext((batch) -> assertThat(batch.writes()).extracting(VersionedRecord::version)
				.containsExactly(4L, 5L, 6L))
			.assertNext((batch) -> assertThat(batch.writes()).extracting(VersionedRecord::version)
				.containsExactly(7L))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aRecordWithNothingPendingIsDrainedWhileOthersOfItsPartitionWait() {
		// One partition: every record shares it.
		InMemoryStorageQueue queue = new InMemoryStorageQueue(1, 1);
		for (VersionedRecord write : List.of(VersionedRecord.of("pending/a", 1, "{}"),
				VersionedRecord.of("pending/b", 1, "{}"), VersionedRecord.of("pending/a", 2, "{}"))) {
			queue.offer(write).block(TIMEOUT);
		}
		StepVerifier.create(queue.drainedRecord("pending/untouched")).expectComplete().verify(TIMEOUT);
		// Only a commit ends these waits: the quiet spells pass in virtual time.
		StepVerifier.withVirtualTime(() -> queue.drained("pending/untouched")).expectSubscription()
			.expectNoEvent(Duration.ofMillis(100)).thenCancel().verify(TIMEOUT);
		// Batches of one: a's first version committed, its second still pending, keeps a waiting.
		List<Batch> batches = queue.consume().take(3).collectList().block(TIMEOUT);
		batches.get(0).commit().block(TIMEOUT);
		StepVerifier.withVirtualTime(() -> queue.drainedRecord("pending/a")).expectSubscription()
			.expectNoEvent(Duration.ofMillis(100)).thenCancel().verify(TIMEOUT);
		batches.get(1).commit().block(TIMEOUT);
		StepVerifier.create(queue.drainedRecord("pending/b")).expectComplete().verify(TIMEOUT);
		StepVerifier.create(queue.drainedRecord("pending/a"))
			.then(() -> batches.get(2).commit().block(TIMEOUT))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void queueNeedsPartitionsAndBatches() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryStorageQueue(0, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryStorageQueue(1, 0));
	}

}
