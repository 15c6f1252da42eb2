package io.sluice.connector.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.AppendableQueue;

/**
 * The journal's segment files and what is committed of them: every write appended to a segment is queued in
 * memory, and a segment is deleted once every write in it has been committed and a newer segment has been started.
 * Counts the bytes of the writes not yet committed (the backlog).
 */
final class JournalSegments {

	private static final Logger logger = LoggerFactory.getLogger(JournalSegments.class);

	/** What a write counts for in the backlog besides its name and data: its objects in memory. */
	private static final int WRITE_OVERHEAD = 96;

	/** What the journal's thread faults in at once for a new segment: enough to go on with. */
	static final int FIRST_ROOM = 64 * 1024;

	final Path directory;

	final long segmentBytes;

	private final AppendableQueue queue;

	private final JournalSync sync;

	/** Bytes of the writes queued and not yet committed, as counted by {@link #weight}. */
	private final AtomicLong backlog = new AtomicLong();

	/** Per partition, the last offset committed; guarded by {@code segments}. */
	private final long[] committed;

	/** The segments, oldest first; the last one is being written. Guarded by itself. */
	private final ArrayDeque<Segment> segments = new ArrayDeque<>();

	/** The last segment started or read back. */
	private Segment active;

	JournalSegments(Path directory, long segmentBytes, AppendableQueue queue, JournalSync sync) {
		this.directory = directory;
		this.segmentBytes = segmentBytes;
		this.queue = queue;
		this.sync = sync;
		this.committed = new long[queue.partitions()];
	}

	int partitions() {
		return this.committed.length;
	}

	/** Adds a segment read back on start-up as the newest. */
	void add(Segment segment) {
		synchronized (this.segments) {
			this.segments.add(segment);
			this.active = segment;
		}
	}

	/** The newest segment, or {@code null} before there is one. */
	Segment active() {
		synchronized (this.segments) {
			return this.active;
		}
	}

	int count() {
		synchronized (this.segments) {
			return this.segments.size();
		}
	}

	List<Path> files() {
		synchronized (this.segments) {
			return this.segments.stream().map((segment) -> segment.path).toList();
		}
	}

	/**
	 * Creates segment {@code number}, with room for at least {@code needed} bytes, maps it and faults in its first
	 * pages; it becomes the newest once its name is on the disk (if the journal is forced), so that the entries
	 * forced into it are found after a power cut. The caller deletes the committed ones once the one before is cut.
	 */
	SegmentMapping start(long number, int needed) throws IOException {
		Segment segment = Segment.numbered(this.directory, number, partitions());
		Files.deleteIfExists(segment.path);
		int capacity = (int) Math.max(this.segmentBytes, needed);
		SegmentMapping started = SegmentMapping.map(segment, capacity,
				(int) Math.min(capacity, (long) needed + FIRST_ROOM));
		try {
			this.sync.created(this.directory);
		}
		catch (IOException | RuntimeException ex) {
			// Not used: the next attempt starts the segment afresh.
			started.cut();
			throw ex;
		}
		add(segment);
		return started;
	}

	/** Queues a write appended to {@code segment}; the caller tells the consumers with {@code drainConsumers}. */
	void queue(VersionedRecord write, Segment segment) {
		int partition = this.queue.partitionOf(write.name());
		long offset = this.queue.appendQuietly(write);
		this.backlog.addAndGet(weight(write));
		synchronized (this.segments) {
			segment.lastOffsets[partition] = offset;
		}
	}

	/** The writes of a batch, the last at offset {@code upTo}, are committed. */
	void committed(int partition, long upTo, List<VersionedRecord> writes) {
		long released = 0;
		synchronized (this.segments) {
			long before = this.committed[partition];
			if (upTo <= before) {
				return;
			}
			this.committed[partition] = upTo;
			// A batch delivered again may hold writes committed already: count only those after the last commit.
			long first = upTo - writes.size() + 1;
			for (int i = 0; i < writes.size(); i++) {
				if (first + i > before) {
					released += weight(writes.get(i));
				}
			}
		}
		this.backlog.addAndGet(-released);
		deleteCommitted();
	}

	/** What one write counts for in the backlog. */
	private static long weight(VersionedRecord write) {
		return WRITE_OVERHEAD + write.name().length() + write.data().length;
	}

	long backlogBytes() {
		return this.backlog.get();
	}

	/** Deletes the oldest segments, other than the one being written, whose writes are all committed. */
	void deleteCommitted() {
		List<Path> deletable = new ArrayList<>();
		synchronized (this.segments) {
			while (this.segments.size() > 1 && allCommitted(this.segments.peekFirst())) {
				deletable.add(this.segments.pollFirst().path);
			}
		}
		for (Path path : deletable) {
			try {
				Files.deleteIfExists(path);
			}
			catch (IOException ex) {
				// Left behind, it is read again on the next start: its writes are delivered once more, no harm.
				logger.warn("Deleting the committed storage queue journal segment {} failed: {}", path, ex.toString());
			}
		}
	}

	private boolean allCommitted(Segment segment) {
		for (int p = 0; p < segment.lastOffsets.length; p++) {
			if (segment.lastOffsets[p] > this.committed[p]) {
				return false;
			}
		}
		return true;
	}

}
