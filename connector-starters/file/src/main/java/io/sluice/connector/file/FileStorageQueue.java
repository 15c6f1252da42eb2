package io.sluice.connector.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.AppendableQueue;
import io.sluice.connector.memory.InMemoryStorageQueue;

/**
 * A {@link StorageQueue} for one process that survives its crash: every write is appended to a journal file
 * before its offer completes, and is held in memory (an {@link AppendableQueue}) until a consumer commits it. On
 * start-up the journal is read back, and every write still in it is queued again.
 *
 * <p>The journal is a directory of segment files ({@code queue-<n>.log}). The segment being written is mapped
 * into memory, and an offer appends its entry there itself, on the offering thread: a copy into pages that the
 * journal's own thread has already faulted in ahead of the appends, with no system call and no hand-off to
 * another thread, so that the append does not wait for a thread to wake. Only an offer that finds no room
 * ready (the segment full, or the appends faster than the pages ahead of them) goes to the journal's thread, which
 * starts the next segment or faults in more pages and appends it, keeping the order of the offers
 * ({@link JournalWriter}). A write is in the operating system's file cache once appended: it survives the process
 * being killed. Whether it survives a power cut when its offer completes is {@link Fsync}'s choice: with
 * {@link Fsync#ALWAYS} the offer completes only once a force that covers it has returned, with the offers appended
 * meanwhile forced together by the next ({@link JournalSync}, on a thread of its own). A segment is deleted once
 * every write in it has been committed and a newer segment has been started ({@link JournalSegments}); until then a
 * restart delivers its writes again, committed or not (at least once; the store's version guard makes a second
 * delivery harmless).
 *
 * <p>The writes not yet committed are held in memory as well: past {@code maxBacklogBytes} of them (a store that
 * is down or far behind), offers fail with an error that says so, rather than fill the heap.
 *
 * <p>Each entry is framed as its length, a CRC-32C of its bytes, and the write in the record codec's form
 * ({@link JournalEntry}). A segment is as long as its mapping while it is written, the space after its last entry
 * zeros, and is cut to its entries when it is finished or the queue is closed; after a crash the zeros are cut on
 * start-up. An entry cut short by a crash mid-write is dropped from the end of the last segment on start-up; a
 * damaged entry anywhere else stops start-up with the file and position named, rather than skipping writes that
 * were acknowledged ({@link JournalReplay}).
 */
public final class FileStorageQueue implements StorageQueue, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FileStorageQueue.class);

	/** The most bytes of uncommitted writes held, unless said otherwise. */
	public static final long DEFAULT_MAX_BACKLOG_BYTES = 256L * 1024 * 1024;

	/** When the journal is forced to the disk, unless said otherwise (as {@code sluice.queue.file.fsync}). */
	public static final Fsync DEFAULT_FSYNC = Fsync.ALWAYS;

	/** How often the journal is forced with {@link Fsync#INTERVAL}, unless said otherwise. */
	public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofMillis(100);

	/** The most segment bytes one mapping can hold. */
	public static final long MAX_SEGMENT_BYTES = Integer.MAX_VALUE;

	private final long maxBacklogBytes;

	private final AppendableQueue queue;

	private final JournalSegments segments;

	private final JournalWriter writer;

	private final JournalSync sync;

	/**
	 * Opens (or creates) the journal in {@code directory}, queueing again every write it still holds.
	 * @param segmentBytes the size after which a new segment is started
	 * @param linger how long a batch that is not full may wait for more writes (see {@link InMemoryStorageQueue})
	 * @throws ConnectorException if the directory cannot be used or the journal is damaged (naming where)
	 */
	public FileStorageQueue(Path directory, int partitions, int maxBatch, Duration linger, long segmentBytes) {
		this(directory, partitions, maxBatch, linger, segmentBytes, DEFAULT_MAX_BACKLOG_BYTES);
	}

	/**
	 * As above, holding at most {@code maxBacklogBytes} of uncommitted writes before offers fail.
	 */
	public FileStorageQueue(Path directory, int partitions, int maxBatch, Duration linger, long segmentBytes,
			long maxBacklogBytes) {
		this(directory, partitions, maxBatch, linger, segmentBytes, maxBacklogBytes, DEFAULT_FSYNC,
				DEFAULT_FSYNC_INTERVAL);
	}

	/**
	 * As above, forcing the journal to the disk as {@code fsync} says ({@code fsyncInterval} is used only with
	 * {@link Fsync#INTERVAL}).
	 */
	public FileStorageQueue(Path directory, int partitions, int maxBatch, Duration linger, long segmentBytes,
			long maxBacklogBytes, Fsync fsync, Duration fsyncInterval) {
		this(directory, new InMemoryStorageQueue(partitions, maxBatch, linger), segmentBytes, maxBacklogBytes, fsync,
				fsyncInterval);
	}

	/**
	 * Opens (or creates) the journal in {@code directory}, holding the writes not yet committed in {@code queue},
	 * which must be empty and used by nothing else.
	 */
	public FileStorageQueue(Path directory, AppendableQueue queue, long segmentBytes, long maxBacklogBytes,
			Fsync fsync, Duration fsyncInterval) {
		this(directory, queue, segmentBytes, maxBacklogBytes, fsync, fsyncInterval, JournalDisk.SYSTEM);
	}

	/** As above, making the journal durable through {@code disk}. */
	FileStorageQueue(Path directory, AppendableQueue queue, long segmentBytes, long maxBacklogBytes, Fsync fsync,
			Duration fsyncInterval, JournalDisk disk) {
		if (maxBacklogBytes < 1) {
			throw new IllegalArgumentException("The backlog limit must be positive, was " + maxBacklogBytes);
		}
		if (segmentBytes < 1024 || segmentBytes > MAX_SEGMENT_BYTES) {
			throw new IllegalArgumentException("A journal segment must be from 1024 to " + MAX_SEGMENT_BYTES
					+ " bytes, was " + segmentBytes);
		}
		Objects.requireNonNull(directory, "directory");
		Objects.requireNonNull(fsync, "fsync");
		if (fsync == Fsync.INTERVAL && (fsyncInterval == null || fsyncInterval.isNegative() || fsyncInterval.isZero())) {
			throw new IllegalArgumentException("The fsync interval must be positive, was " + fsyncInterval);
		}
		this.maxBacklogBytes = maxBacklogBytes;
		this.queue = Objects.requireNonNull(queue, "queue");
		JournalSync sync = new JournalSync(fsync, (fsync == Fsync.INTERVAL) ? fsyncInterval : Duration.ZERO, disk);
		this.segments = new JournalSegments(directory, segmentBytes, queue, sync);
		SegmentMapping first;
		try {
			Files.createDirectories(directory);
			int replayed = JournalReplay.replay(this.segments);
			// What a killed process left may not be on the disk yet: forced before entries are forced after it.
			sync.afterReplay(this.segments.files(), directory);
			Segment active = this.segments.active();
			if (active == null || active.size >= segmentBytes) {
				first = this.segments.start((active != null) ? active.number + 1 : 1, 0);
				this.segments.deleteCommitted();
			}
			else {
				first = SegmentMapping.map(active, (int) segmentBytes,
						Math.min(SegmentMapping.AHEAD, (int) segmentBytes));
			}
			if (replayed > 0) {
				logger.info("Storage queue journal {}: {} writes queued again from {} segment(s)", directory, replayed,
						this.segments.count());
			}
		}
		catch (IOException | UncheckedIOException ex) {
			sync.close();
			throw new ConnectorException("file-queue", "The storage queue journal in " + directory
					+ " cannot be opened: " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			sync.close();
			throw ex;
		}
		this.sync = sync;
		this.writer = new JournalWriter(this.segments, queue, sync, first);
	}

	@Override
	public Mono<Void> offer(VersionedRecord write) {
		Objects.requireNonNull(write, "write");
		return Mono.create((sink) -> {
			ConnectorException failed = this.sync.failure();
			if (failed != null) {
				sink.error(failed);
				return;
			}
			long held = this.segments.backlogBytes();
			if (held >= this.maxBacklogBytes) {
				sink.error(new ConnectorException("file-queue", "The storage queue holds " + held + " bytes of writes "
						+ "that the store has not taken yet, its limit (sluice.queue.file.max-backlog): the store is "
						+ "behind or unreachable"));
				return;
			}
			this.writer.offer(write, sink);
		});
	}

	@Override
	public Flux<Batch> consume() {
		return this.queue.consume().map(JournalBatch::new);
	}

	@Override
	public Mono<Void> drained(String name) {
		return this.queue.drained(name);
	}

	@Override
	public Mono<Void> drainedRecord(String name) {
		return this.queue.drainedRecord(name);
	}

	/** The segment files of the journal, oldest first (for tests and diagnostics). */
	public List<Path> segmentFiles() {
		return this.segments.files();
	}

	/** Bytes of writes queued and not yet committed (for tests and diagnostics). */
	public long backlogBytes() {
		return this.segments.backlogBytes();
	}

	/** Stops taking offers, writes those already made (forced, unless {@link Fsync#NEVER}), and closes the journal. */
	@Override
	public void close() {
		this.writer.close();
		this.sync.close();
	}

	/** A batch of the in-memory queue whose commit also lets the journal drop what it no longer needs. */
	private final class JournalBatch implements Batch {

		private final Batch batch;

		JournalBatch(Batch batch) {
			this.batch = batch;
		}

		@Override
		public int partition() {
			return this.batch.partition();
		}

		@Override
		public List<VersionedRecord> writes() {
			return this.batch.writes();
		}

		@Override
		public Mono<Void> commit() {
			return this.batch.commit()
				.then(Mono.fromRunnable(() -> FileStorageQueue.this.segments.committed(partition(),
						FileStorageQueue.this.queue.lastOffsetOf(this.batch), writes())));
		}

		@Override
		public long lag() {
			return this.batch.lag();
		}

	}

}
