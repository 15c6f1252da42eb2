package io.sluice.storage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.QueuedHistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.StreamPosition;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.memory.InMemoryStorageQueue;
import io.sluice.connector.memory.InMemoryStreamHistory;

import static org.assertj.core.api.Assertions.assertThat;

/** Event history entries in the storage queue: stored in the archive, trimmed there, beside the records. */
class StorageWorkerHistoryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Instant START = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private final InMemoryStorageQueue queue = new InMemoryStorageQueue(4, 64);

	private final InMemoryRecordStore store = new InMemoryRecordStore();

	private final StreamArchive archive = new InMemoryStreamHistory().archive();

	private final StorageWorkerProperties properties = new StorageWorkerProperties(true, Duration.ofMillis(5),
			Duration.ofMillis(20), Duration.ofSeconds(5),
			new StorageWorkerProperties.Breaker(50, 10, 5, Duration.ofMillis(50), 1));

	@Test
	void historyEntriesGoToTheArchiveTrimmedAndRecordsToTheStore() {
		for (int offset = 1; offset <= 10; offset++) {
			this.queue.offer(new QueuedHistoryEntry(entry("chat/a", offset), Retention.entries(4)).toWrite())
				.block(TIMEOUT);
			this.queue.offer(VersionedRecord.of("worker/history/" + offset, 1, "{}")).block(TIMEOUT);
		}
		StorageWorker worker = new StorageWorker(this.queue, this.store, this.archive, this.properties,
				StorageWorkerListener.NONE);
		worker.start();
		try {
			StepVerifier.create(this.queue.drainedRecord(QueuedHistoryEntry.queueName("chat/a")))
				.expectComplete()
				.verify(TIMEOUT);
			StepVerifier.create(this.archive.history().from("chat/a", 1, 100).map(HistoryEntry::offset).collectList())
				.expectNext(List.of(7L, 8L, 9L, 10L))
				.expectComplete()
				.verify(TIMEOUT);
			StepVerifier.create(this.archive.history().position("chat/a"))
				.expectNext(new StreamPosition("e1", 10))
				.expectComplete()
				.verify(TIMEOUT);
			for (int offset = 1; offset <= 10; offset++) {
				StepVerifier.create(this.queue.drained("worker/history/" + offset)).expectComplete().verify(TIMEOUT);
				StepVerifier.create(this.store.find("worker/history/" + offset).map(VersionedRecord::version))
					.expectNext(1L)
					.expectComplete()
					.verify(TIMEOUT);
			}
			StepVerifier.create(this.store.find(QueuedHistoryEntry.queueName("chat/a"))).expectComplete().verify(TIMEOUT);
			assertThat(worker.recordsWritten()).isEqualTo(10);
		}
		finally {
			worker.stop();
		}
	}

	@Test
	void aWorkerWithoutAnArchiveLetsHistoryEntriesGoAndStoresTheRecordsBehindThem() {
		this.queue.offer(new QueuedHistoryEntry(entry("chat/b", 1), Retention.entries(4)).toWrite()).block(TIMEOUT);
		this.queue.offer(VersionedRecord.of("worker/history/behind", 1, "{}")).block(TIMEOUT);
		StorageWorker worker = new StorageWorker(this.queue, this.store, null, this.properties,
				StorageWorkerListener.NONE);
		worker.start();
		try {
			StepVerifier.create(this.queue.drainedRecord(QueuedHistoryEntry.queueName("chat/b")))
				.expectComplete()
				.verify(TIMEOUT);
			StepVerifier.create(this.queue.drained("worker/history/behind")).expectComplete().verify(TIMEOUT);
			StepVerifier.create(this.store.find("worker/history/behind").map(VersionedRecord::version))
				.expectNext(1L)
				.expectComplete()
				.verify(TIMEOUT);
			StepVerifier.create(this.store.find(QueuedHistoryEntry.queueName("chat/b"))).expectComplete().verify(TIMEOUT);
		}
		finally {
			worker.stop();
		}
	}

	private static HistoryEntry entry(String stream, long offset) {
		return new HistoryEntry(stream, offset, "e1", START.plusMillis(offset),
				("{\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
	}

}
