package io.sluice.connector.memory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.connector.VersionedRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InMemoryStorageQueuePartitionTests {

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
	void queueNeedsPartitionsAndBatches() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryStorageQueue(0, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryStorageQueue(1, 0));
	}

}
