package io.sluice.connector.file;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.StorageQueue.Batch;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.VersionedRecordCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** What the journal adds to the queue: writes that outlive the process, and a journal that cleans up after itself. */
class FileStorageQueueJournalTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	private final List<FileStorageQueue> opened = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.opened.forEach(FileStorageQueue::close);
	}

	@Test
	void writesNotCommittedAreQueuedAgainByTheNextProcess() {
		FileStorageQueue first = open(1024 * 1024, Duration.ZERO, 64);
		List<VersionedRecord> writes = List.of(VersionedRecord.of("journal/a", 1, "{\"v\":1}"),
				VersionedRecord.of("journal/b", 1, "{\"v\":1}"), VersionedRecord.of("journal/a", 2, "{\"v\":2}"),
				VersionedRecord.tombstone("journal/b", 2),
				new VersionedRecord("journal/ü", 7, "{}".getBytes(), false, Instant.ofEpochSecond(1_900_000_000, 123)));
		offerAll(first, writes);
		// The first process is never closed, as after a kill; the second one reads what it left.
		FileStorageQueue second = open(1024 * 1024, Duration.ZERO, 64);
		assertThat(consume(second, writes.size(), true)).containsExactlyInAnyOrderElementsOf(writes)
			.filteredOn((write) -> write.name().equals("journal/a"))
			.extracting(VersionedRecord::version)
			.containsExactly(1L, 2L);
	}

	@Test
	void writesQueuedAgainKeepTheirRecordsPendingUntilCommitted() {
		FileStorageQueue first = open(1024 * 1024, Duration.ZERO, 64);
		VersionedRecord write = VersionedRecord.of("journal/pending", 1, "{}");
		offerAll(first, List.of(write));
		FileStorageQueue second = open(1024 * 1024, Duration.ZERO, 64);
		StepVerifier.create(second.drainedRecord("journal/other")).expectComplete().verify(TIMEOUT);
		StepVerifier.create(second.drainedRecord("journal/pending"))
			.then(() -> consume(second, 1, true))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void committedSegmentsAreDeletedAndNotDeliveredAgain() {
		FileStorageQueue first = open(1024, Duration.ZERO, 8);
		List<VersionedRecord> writes = new ArrayList<>();
		for (int v = 1; v <= 40; v++) {
			writes.add(VersionedRecord.of("journal/rolled", v, "{\"padding\":\"" + "x".repeat(100) + "\"}"));
		}
		offerAll(first, writes);
		assertThat(first.segmentFiles()).hasSizeGreaterThan(2);
		consume(first, writes.size(), true);
		assertThat(first.segmentFiles()).hasSize(1);
		assertThat(segmentsOnDisk()).containsExactlyElementsOf(first.segmentFiles());
		first.close();
		FileStorageQueue second = open(1024, Duration.ZERO, 8);
		VersionedRecord next = VersionedRecord.of("journal/rolled", 41, "{}");
		offerAll(second, List.of(next));
		List<VersionedRecord> again = consume(second, 1, true, next);
		assertThat(again).contains(next).doesNotContain(writes.get(0));
	}

	@Test
	void aWriteCutShortByACrashIsDroppedFromTheEnd() throws IOException {
		FileStorageQueue first = open(1024 * 1024, Duration.ZERO, 64);
		List<VersionedRecord> writes = List.of(VersionedRecord.of("journal/torn", 1, "{}"),
				VersionedRecord.of("journal/torn", 2, "{}"));
		offerAll(first, writes);
		first.close();
		Path segment = segmentsOnDisk().get(0);
		long intact = Files.size(segment);
		// Half a frame: a length saying 40 bytes follow, and only three of them.
		Files.write(segment, new byte[] { 0, 0, 0, 40, 1, 2, 3 }, StandardOpenOption.APPEND);
		FileStorageQueue second = open(1024 * 1024, Duration.ZERO, 64);
		VersionedRecord third = VersionedRecord.of("journal/torn", 3, "{}");
		offerAll(second, List.of(third));
		assertThat(consume(second, 3, false)).extracting(VersionedRecord::version).containsExactly(1L, 2L, 3L);
		second.close();
		// Three entries of one size, and nothing of the half frame between them.
		assertThat(Files.size(segment)).isEqualTo(intact / 2 * 3);
		FileStorageQueue third2 = open(1024 * 1024, Duration.ZERO, 64);
		assertThat(consume(third2, 3, false)).extracting(VersionedRecord::version).containsExactly(1L, 2L, 3L);
	}

	@Test
	void damageBeforeTheLastSegmentStopsStartUpNamingTheFile() throws IOException {
		FileStorageQueue first = open(1024, Duration.ZERO, 64);
		List<VersionedRecord> writes = new ArrayList<>();
		for (int v = 1; v <= 20; v++) {
			writes.add(VersionedRecord.of("journal/damaged", v, "{\"padding\":\"" + "x".repeat(100) + "\"}"));
		}
		offerAll(first, writes);
		first.close();
		Path oldest = segmentsOnDisk().get(0);
		try (RandomAccessFile file = new RandomAccessFile(oldest.toFile(), "rw")) {
			file.seek(40);
			int b = file.read();
			file.seek(40);
			file.write(b ^ 0xff);
		}
		assertThatExceptionOfType(ConnectorException.class)
			.isThrownBy(() -> new FileStorageQueue(this.directory, 4, 64, Duration.ZERO, 1024))
			.withMessageContaining(oldest.toString())
			.withMessageContaining("damaged at byte 0");
	}

	@Test
	void aBatchLingersUntilFullOrUntilSomeoneWaitsForItsPartition() {
		FileStorageQueue queue = open(1024 * 1024, Duration.ofSeconds(60), 5);
		Flux<Batch> batches = queue.consume();
		List<VersionedRecord> firstFive = new ArrayList<>();
		for (int v = 1; v <= 5; v++) {
			firstFive.add(VersionedRecord.of("journal/linger", v, "{}"));
		}
		StepVerifier.create(batches, 1)
			.expectSubscription()
			.then(() -> offerAll(queue, firstFive.subList(0, 3)))
			.expectNoEvent(Duration.ofMillis(300))
			.then(() -> offerAll(queue, firstFive.subList(3, 5)))
			.assertNext((batch) -> {
				assertThat(batch.writes()).isEqualTo(firstFive);
				batch.commit().block(TIMEOUT);
			})
			.thenCancel()
			.verify(TIMEOUT);
		VersionedRecord sixth = VersionedRecord.of("journal/linger", 6, "{}");
		offerAll(queue, List.of(sixth));
		Mono<Void> drained = queue.drained("journal/linger").cache();
		StepVerifier.create(batches, 1)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(300))
			.then(() -> drained.subscribe())
			.assertNext((batch) -> {
				assertThat(batch.writes()).containsExactly(sixth);
				batch.commit().block(TIMEOUT);
			})
			.thenCancel()
			.verify(TIMEOUT);
		StepVerifier.create(drained).expectComplete().verify(TIMEOUT);
	}

	@Test
	void offersFailOnceTheUncommittedBacklogIsFullAndWorkAgainAfterACommit() {
		FileStorageQueue queue = new FileStorageQueue(this.directory, 4, 64, Duration.ZERO, 1024 * 1024, 1000);
		this.opened.add(queue);
		List<VersionedRecord> taken = new ArrayList<>();
		Throwable refused = null;
		for (int v = 1; v <= 100 && refused == null; v++) {
			VersionedRecord write = VersionedRecord.of("journal/backlog", v, "{\"padding\":\"" + "x".repeat(100) + "\"}");
			try {
				queue.offer(write).block(TIMEOUT);
				taken.add(write);
			}
			catch (ConnectorException ex) {
				refused = ex;
			}
		}
		assertThat(refused).isNotNull().hasMessageContaining("sluice.queue.file.max-backlog");
		assertThat(taken).isNotEmpty().hasSizeLessThan(100);
		assertThat(consume(queue, taken.size(), true)).containsExactlyElementsOf(taken);
		assertThat(queue.backlogBytes()).isZero();
		offerAll(queue, List.of(VersionedRecord.of("journal/backlog", 1000, "{}")));
	}

	@Test
	void anEntryLargerThanASegmentGetsASegmentOfItsOwn() {
		FileStorageQueue first = open(1024, Duration.ZERO, 64);
		List<VersionedRecord> writes = List.of(VersionedRecord.of("journal/large", 1, "{}"),
				VersionedRecord.of("journal/large", 2, "{\"padding\":\"" + "x".repeat(5000) + "\"}"),
				VersionedRecord.of("journal/large", 3, "{}"));
		offerAll(first, writes);
		first.close();
		FileStorageQueue second = open(1024, Duration.ZERO, 64);
		assertThat(consume(second, 3, false)).containsExactlyElementsOf(writes);
	}

	@Test
	void offersFromManyThreadsAcrossManySegmentsAreKeptInOrderPerRecord() throws InterruptedException {
		// Segments of 4 KiB: the offers keep running out of room, and are handed to the journal's thread.
		FileStorageQueue first = open(4096, Duration.ZERO, 64);
		int threads = 4;
		int perThread = 500;
		List<Thread> offering = new ArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		for (int t = 0; t < threads; t++) {
			String name = "journal/threads-" + t;
			Thread thread = new Thread(() -> {
				for (int v = 1; v <= perThread; v++) {
					try {
						first.offer(VersionedRecord.of(name, v, "{\"v\":" + v + "}")).block(TIMEOUT);
					}
					catch (RuntimeException ex) {
						failures.add(ex);
					}
				}
			}, name);
			thread.start();
			offering.add(thread);
		}
		for (Thread thread : offering) {
			thread.join(TIMEOUT.toMillis());
		}
		assertThat(failures).isEmpty();
		assertThat(first.segmentFiles()).hasSizeGreaterThan(10);
		first.close();
		FileStorageQueue second = open(4096, Duration.ZERO, 64);
		List<VersionedRecord> replayed = consume(second, threads * perThread, false);
		assertThat(replayed).hasSize(threads * perThread);
		for (int t = 0; t < threads; t++) {
			String name = "journal/threads-" + t;
			assertThat(replayed).filteredOn((write) -> write.name().equals(name))
				.extracting(VersionedRecord::version)
				.isSorted()
				.hasSize(perThread);
		}
	}

	@Test
	void anEntryIsItsLengthAChecksumAndTheWriteInTheRecordCodecsForm() throws IOException {
		FileStorageQueue queue = open(1024 * 1024, Duration.ZERO, 64);
		VersionedRecord write = VersionedRecord.of("journal/form", 1, "{}");
		offerAll(queue, List.of(write));
		queue.close();
		byte[] form = VersionedRecordCodec.encode(write);
		CRC32C crc = new CRC32C();
		crc.update(form);
		ByteBuffer expected = ByteBuffer.allocate(8 + form.length)
			.putInt(form.length)
			.putInt((int) crc.getValue())
			.put(form);
		assertThat(Files.readAllBytes(segmentsOnDisk().get(0))).isEqualTo(expected.array());
	}

	@Test
	void entriesOfFormat1LeftByAnEarlierReleaseAreQueuedAgain() throws IOException {
		// What the journal wrote before the record codec: the expiry as seconds and nanoseconds, the data to the end.
		ByteBuffer live = ByteBuffer.allocate(26 + 10 + 2)
			.put((byte) 1)
			.putLong(3)
			.put((byte) 0)
			.putLong(1_900_000_000L)
			.putInt(123)
			.putInt(10)
			.put("journal/é".getBytes(StandardCharsets.UTF_8))
			.put("{}".getBytes(StandardCharsets.UTF_8));
		ByteBuffer tombstone = ByteBuffer.allocate(26 + 9)
			.put((byte) 1)
			.putLong(4)
			.put((byte) 1)
			.putLong(Long.MIN_VALUE)
			.putInt(0)
			.putInt(9)
			.put("journal/t".getBytes(StandardCharsets.UTF_8));
		Files.createDirectories(this.directory);
		Files.write(this.directory.resolve("queue-0000000000000000001.log"),
				concat(frame(live.array()), frame(tombstone.array())));
		FileStorageQueue first = open(1024 * 1024, Duration.ZERO, 64);
		VersionedRecord newer = VersionedRecord.of("journal/t", 5, "{}");
		offerAll(first, List.of(newer));
		first.close();
		FileStorageQueue second = open(1024 * 1024, Duration.ZERO, 64);
		assertThat(consume(second, 3, false)).containsExactlyInAnyOrder(
				new VersionedRecord("journal/é", 3, "{}".getBytes(StandardCharsets.UTF_8), false,
						Instant.ofEpochSecond(1_900_000_000L, 123)),
				VersionedRecord.tombstone("journal/t", 4), newer);
	}

	private static byte[] frame(byte[] entry) {
		CRC32C crc = new CRC32C();
		crc.update(entry);
		return ByteBuffer.allocate(8 + entry.length).putInt(entry.length).putInt((int) crc.getValue()).put(entry).array();
	}

	private static byte[] concat(byte[] first, byte[] second) {
		return ByteBuffer.allocate(first.length + second.length).put(first).put(second).array();
	}

	@Test
	void offersAfterCloseFail() {
		FileStorageQueue queue = open(1024 * 1024, Duration.ZERO, 64);
		queue.close();
		StepVerifier.create(queue.offer(VersionedRecord.of("journal/closed", 1, "{}")))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(ConnectorException.class)
				.hasMessageContaining("closed"))
			.verify(TIMEOUT);
	}

	private FileStorageQueue open(long segmentBytes, Duration linger, int maxBatch) {
		FileStorageQueue queue = new FileStorageQueue(this.directory, 4, maxBatch, linger, segmentBytes);
		this.opened.add(queue);
		return queue;
	}

	private static void offerAll(FileStorageQueue queue, List<VersionedRecord> writes) {
		StepVerifier.create(Flux.fromIterable(writes).concatMap(queue::offer).then())
			.expectComplete()
			.verify(TIMEOUT);
	}

	/** Consumes until {@code count} writes (and {@code last}, if given) have come, committing each batch if asked. */
	private static List<VersionedRecord> consume(FileStorageQueue queue, int count, boolean commit,
			VersionedRecord... last) {
		List<VersionedRecord> seen = new ArrayList<>();
		StepVerifier.create(queue.consume()
			.concatMap((batch) -> (commit ? batch.commit() : Mono.<Void>empty()).thenReturn(batch.writes()))
			.doOnNext(seen::addAll)
			.takeUntil((writes) -> seen.size() >= count && (last.length == 0 || seen.contains(last[0])))
			.then())
			.expectComplete()
			.verify(TIMEOUT);
		return seen;
	}

	private List<Path> segmentsOnDisk() {
		try (Stream<Path> files = Files.list(this.directory)) {
			return files.filter((path) -> path.getFileName().toString().endsWith(".log")).sorted().toList();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
