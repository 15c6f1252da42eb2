package io.sluice.connector.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.VersionedRecordCodec;
import io.sluice.connector.memory.InMemoryStorageQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an acknowledged write survives under each {@link Fsync}: the journal is written through a {@link PowerCutDisk},
 * the power is cut (the journal left as the disk would hold it: only what was forced), and a new queue reads it back.
 */
class FileStorageQueuePowerCutTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/** More than any test writes: a queue reading a journal back hands it over in one batch. */
	private static final int READ_BACK_BATCH = 100_000;

	@TempDir
	Path directory;

	@TempDir
	Path afterPowerCut;

	private final PowerCutDisk disk = new PowerCutDisk();

	private final List<FileStorageQueue> opened = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.opened.forEach(FileStorageQueue::close);
	}

	@Test
	void withFsyncAlwaysEveryAcknowledgedWriteOutlivesAPowerCut() throws IOException {
		// Small segments: the journal rolls to new ones throughout, each one's name forced as it starts.
		FileStorageQueue queue = open(this.directory, 8 * 1024, Fsync.ALWAYS, Duration.ZERO, this.disk);
		List<VersionedRecord> acknowledged = new CopyOnWriteArrayList<>();
		int records = 4;
		int versions = 5_000;
		// Each record's writes offered in version order, many in flight, from four threads at once.
		Disposable offering = Flux.range(0, records)
			.flatMap((r) -> Flux.range(1, versions)
				.flatMap((v) -> {
					VersionedRecord write = VersionedRecord.of("power/always-" + r, v, "{\"v\":" + v + "}");
					return queue.offer(write).then(Mono.fromRunnable(() -> acknowledged.add(write)));
				}, 32)
				.subscribeOn(Schedulers.boundedElastic()))
			.subscribe();
		try {
			await().atMost(TIMEOUT).until(() -> acknowledged.size() >= 2_000);
			// Acknowledged before the power is cut, so forced before it too if the journal waits for its forces.
			List<VersionedRecord> beforeTheCut = List.copyOf(acknowledged);
			this.disk.cutPower(this.afterPowerCut);
			List<VersionedRecord> replayed = readBack(this.afterPowerCut);

			Set<VersionedRecord> kept = new HashSet<>(replayed);
			assertThat(beforeTheCut).as("acknowledged writes lost to the power cut")
				.filteredOn((write) -> !kept.contains(write))
				.isEmpty();
			assertThat(queue.segmentFiles()).hasSizeGreaterThan(3);
			// Nothing missing in between either: what is left of each record is its first versions, in order.
			Map<String, List<Long>> byRecord = replayed.stream()
				.collect(Collectors.groupingBy(VersionedRecord::name,
						Collectors.mapping(VersionedRecord::version, Collectors.toList())));
			byRecord.values()
				.forEach((versionsKept) -> assertThat(versionsKept).isEqualTo(
						LongStream.rangeClosed(1, versionsKept.size()).boxed().toList()));
		}
		finally {
			offering.dispose();
		}
	}

	@Test
	void withFsyncNeverAPowerCutLosesWritesTheProcessHadAcknowledged() throws IOException {
		FileStorageQueue queue = open(this.directory, 8 * 1024, Fsync.NEVER, Duration.ZERO, this.disk);
		List<VersionedRecord> writes = writes("power/never", 200);
		offerAll(queue, writes);
		this.disk.cutPower(this.afterPowerCut);

		// Nothing was forced: all that survives is what the operating system happened to write back, here nothing.
		assertThat(this.disk.rangeForces()).isZero();
		assertThat(readBack(this.afterPowerCut)).isEmpty();
		// The process being killed instead loses none of them: they are in the file cache.
		assertThat(readBack(this.directory)).containsExactlyElementsOf(writes);
	}

	@Test
	void withFsyncIntervalAPowerCutLosesOnlyWhatWasAcknowledgedSinceTheLastForce() throws IOException {
		// An interval that does not come during the test: the only forces are those of each segment as it is
		// finished, so what the power cut loses is exactly what was acknowledged since the newest segment began.
		FileStorageQueue queue = open(this.directory, 4 * 1024, Fsync.INTERVAL, Duration.ofHours(1), this.disk);
		List<VersionedRecord> writes = writes("power/interval", 300);
		offerAll(queue, writes);
		List<Path> segments = queue.segmentFiles();
		this.disk.cutPower(this.afterPowerCut);
		List<VersionedRecord> replayed = readBack(this.afterPowerCut);

		assertThat(segments).hasSizeGreaterThan(2);
		assertThat(replayed).isNotEmpty().isEqualTo(writes.subList(0, replayed.size()));
		List<VersionedRecord> lost = writes.subList(replayed.size(), writes.size());
		assertThat(lost).isNotEmpty();
		long finished = 0;
		for (Path segment : segments.subList(0, segments.size() - 1)) {
			finished += Files.size(segment);
		}
		assertThat(replayed.stream().mapToLong(FileStorageQueuePowerCutTests::framed).sum())
			.as("bytes of the writes kept: those of every segment but the newest, each forced whole when finished")
			.isEqualTo(finished);
	}

	@Test
	void withFsyncIntervalWhatWasAcknowledgedIsForcedWithinTheInterval() throws IOException {
		FileStorageQueue queue = open(this.directory, 1024 * 1024, Fsync.INTERVAL, Duration.ofMillis(20), this.disk);
		List<VersionedRecord> writes = writes("power/tick", 100);
		offerAll(queue, writes);
		long appended = writes.stream().mapToLong(FileStorageQueuePowerCutTests::framed).sum();
		Path segment = queue.segmentFiles().get(0);

		await().atMost(TIMEOUT).until(() -> this.disk.forced(segment) >= appended);
		this.disk.cutPower(this.afterPowerCut);
		assertThat(readBack(this.afterPowerCut)).containsExactlyElementsOf(writes);
	}

	@Test
	void aFailedForceFailsTheWaitingOfferAndEveryLaterOneNamingTheSegment() {
		FileStorageQueue queue = open(this.directory, 1024 * 1024, Fsync.ALWAYS, Duration.ZERO, this.disk);
		offerAll(queue, writes("power/failing", 3));
		this.disk.failForces(new IOException("Input/output error"));

		for (int v = 4; v <= 5; v++) {
			StepVerifier.create(queue.offer(VersionedRecord.of("power/failing", v, "{}")))
				.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(ConnectorException.class)
					.hasMessageContaining(queue.segmentFiles().get(0).toString())
					.hasMessageContaining("Input/output error")
					.hasMessageContaining("restarted"))
				.verify(TIMEOUT);
		}
	}

	@Test
	void aJournalReadBackIsForcedBeforeNewWritesAreAcknowledged() throws IOException {
		// A killed process left writes in the file cache only; the next one acknowledges new writes after them.
		FileStorageQueue killed = open(this.directory, 1024 * 1024, Fsync.NEVER, Duration.ZERO, JournalDisk.SYSTEM);
		List<VersionedRecord> left = writes("power/left", 10);
		offerAll(killed, left);
		FileStorageQueue next = open(this.directory, 1024 * 1024, Fsync.ALWAYS, Duration.ZERO, this.disk);
		VersionedRecord newer = VersionedRecord.of("power/left", 11, "{}");
		offerAll(next, List.of(newer));
		this.disk.cutPower(this.afterPowerCut);

		List<VersionedRecord> expected = new ArrayList<>(left);
		expected.add(newer);
		assertThat(readBack(this.afterPowerCut)).containsExactlyElementsOf(expected);
	}

	private FileStorageQueue open(Path in, long segmentBytes, Fsync fsync, Duration interval, JournalDisk through) {
		FileStorageQueue queue = new FileStorageQueue(in, new InMemoryStorageQueue(1, READ_BACK_BATCH, Duration.ZERO),
				segmentBytes, FileStorageQueue.DEFAULT_MAX_BACKLOG_BYTES, fsync, interval, through);
		this.opened.add(queue);
		return queue;
	}

	/** Every write a new process finds in {@code journal}, in the order of the journal. */
	private List<VersionedRecord> readBack(Path journal) {
		FileStorageQueue queue = open(journal, 1024 * 1024, Fsync.NEVER, Duration.ZERO, JournalDisk.SYSTEM);
		if (queue.backlogBytes() == 0) {
			return List.of();
		}
		// One partition, everything queued before the first batch is taken: it holds all, in journal order.
		List<VersionedRecord> seen = queue.consume().blockFirst(TIMEOUT).writes();
		assertThat(seen).hasSizeLessThan(READ_BACK_BATCH);
		return seen;
	}

	private static List<VersionedRecord> writes(String name, int count) {
		List<VersionedRecord> writes = new ArrayList<>();
		for (int v = 1; v <= count; v++) {
			writes.add(VersionedRecord.of(name, v, "{\"v\":" + v + "}"));
		}
		return writes;
	}

	private static long framed(VersionedRecord write) {
		return JournalEntry.FRAME_HEADER + VersionedRecordCodec.encodedSize(write);
	}

	private static void offerAll(FileStorageQueue queue, List<VersionedRecord> writes) {
		StepVerifier.create(Flux.fromIterable(writes).concatMap(queue::offer).then())
			.expectComplete()
			.verify(TIMEOUT);
	}

}
