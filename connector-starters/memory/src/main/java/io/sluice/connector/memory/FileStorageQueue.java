package io.sluice.connector.memory;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;

/**
 * A {@link StorageQueue} for one process that survives its crash: every write is appended to a journal file
 * before its offer completes, and is held in memory (an {@link InMemoryStorageQueue}) until a consumer commits
 * it. On start-up the journal is read back, and every write still in it is queued again.
 *
 * <p>The journal is a directory of segment files ({@code queue-<n>.log}), appended to by one thread. Offers that
 * arrive while a write is under way go together in the next one, so a busy queue makes one write call for many
 * offers. A write is in the operating system's file cache when its offer completes (like a database that does
 * not force every commit to the disk): it survives the process being killed, not a power cut. A segment is
 * deleted once every write in it has been committed and a newer segment has been started; until then a restart
 * delivers its writes again, committed or not (at least once; the store's version guard makes a second delivery
 * harmless).
 *
 * <p>The writes not yet committed are held in memory as well: past {@code maxBacklogBytes} of them (a store that
 * is down or far behind), offers fail with an error that says so, rather than fill the heap.
 *
 * <p>Each entry is framed as its length, a CRC-32C of its bytes, and the bytes. An entry cut short by a crash
 * mid-write is dropped from the end of the last segment on start-up; a damaged entry anywhere else stops
 * start-up with the file and position named, rather than skipping writes that were acknowledged.
 */
public final class FileStorageQueue implements StorageQueue, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FileStorageQueue.class);

	private static final Pattern SEGMENT = Pattern.compile("queue-(\\d{19})\\.log");

	private static final byte FORMAT = 1;

	private static final long NO_EXPIRY = Long.MIN_VALUE;

	/** Length and checksum, before each entry's bytes. */
	private static final int FRAME_HEADER = 8;

	/** Format, version, tombstone, expiry seconds and nanos, name length. */
	private static final int ENTRY_HEADER = 1 + 8 + 1 + 8 + 4 + 4;

	/** The most bytes of uncommitted writes held, unless said otherwise. */
	public static final long DEFAULT_MAX_BACKLOG_BYTES = 256L * 1024 * 1024;

	/** What a write counts for in the backlog besides its name and data: its objects in memory. */
	private static final int WRITE_OVERHEAD = 96;

	/** The most offers written in one go. */
	private static final int MAX_GROUP = 4096;

	private final Path directory;

	private final long segmentBytes;

	private final long maxBacklogBytes;

	/** Bytes of the writes queued and not yet committed, as counted by {@link #weight}. */
	private final AtomicLong backlog = new AtomicLong();

	private final InMemoryStorageQueue queue;

	/** Per partition, the last offset committed; guarded by {@code segments}. */
	private final long[] committed;

	/** The journal's segments, oldest first; the last one is being written. Guarded by itself. */
	private final ArrayDeque<Segment> segments = new ArrayDeque<>();

	private final LinkedBlockingQueue<Offer> offers = new LinkedBlockingQueue<>();

	private final Thread writer;

	private final CRC32C crc = new CRC32C();

	private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

	/** The segment being written, and its channel; only the writer thread uses them after start-up. */
	private Segment active;

	private FileChannel channel;

	private volatile boolean closed;

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
		if (maxBacklogBytes < 1) {
			throw new IllegalArgumentException("The backlog limit must be positive, was " + maxBacklogBytes);
		}
		if (segmentBytes < 1024) {
			throw new IllegalArgumentException("A journal segment must be at least 1024 bytes, was " + segmentBytes);
		}
		this.directory = Objects.requireNonNull(directory, "directory");
		this.segmentBytes = segmentBytes;
		this.maxBacklogBytes = maxBacklogBytes;
		this.queue = new InMemoryStorageQueue(partitions, maxBatch, linger);
		this.committed = new long[partitions];
		try {
			Files.createDirectories(directory);
			int replayed = replay();
			if (this.active == null || this.active.size >= segmentBytes) {
				startSegment((this.active != null) ? this.active.number + 1 : 1);
			}
			else {
				this.channel = FileChannel.open(this.active.path, StandardOpenOption.WRITE);
				this.channel.position(this.active.size);
			}
			if (replayed > 0) {
				logger.info("Storage queue journal {}: {} writes queued again from {} segment(s)", directory, replayed,
						this.segments.size());
			}
		}
		catch (IOException | UncheckedIOException ex) {
			throw new ConnectorException("file-queue", "The storage queue journal in " + directory
					+ " cannot be opened: " + ex.getMessage(), ex);
		}
		this.writer = new Thread(this::writeLoop, "sluice-queue-journal");
		this.writer.setDaemon(true);
		this.writer.start();
	}

	@Override
	public Mono<Void> offer(VersionedRecord write) {
		Objects.requireNonNull(write, "write");
		return Mono.create((sink) -> {
			if (this.closed) {
				sink.error(closedError());
				return;
			}
			long held = this.backlog.get();
			if (held >= this.maxBacklogBytes) {
				sink.error(new ConnectorException("file-queue", "The storage queue holds " + held + " bytes of writes "
						+ "that the store has not taken yet, its limit (sluice.queue.file.max-backlog): the store is "
						+ "behind or unreachable"));
				return;
			}
			Offer offer = new Offer(write, sink);
			this.offers.add(offer);
			// Closing in between: the writer may have gone; if it did not take this offer, it fails here.
			if (this.closed && this.offers.removeIf((queued) -> queued == offer)) {
				sink.error(closedError());
			}
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

	/** The segment files of the journal, oldest first (for tests and diagnostics). */
	public List<Path> segmentFiles() {
		synchronized (this.segments) {
			return this.segments.stream().map((segment) -> segment.path).toList();
		}
	}

	/** Stops taking offers, writes those already made, and closes the journal. */
	@Override
	public void close() {
		this.closed = true;
		this.offers.add(STOP);
		try {
			this.writer.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Offer left;
		while ((left = this.offers.poll()) != null) {
			if (left != STOP) {
				left.sink.error(closedError());
			}
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			logger.warn("Closing the storage queue journal {} failed: {}", this.directory, ex.toString());
		}
	}

	private static ConnectorException closedError() {
		return new ConnectorException("file-queue", "The storage queue is closed");
	}

	// --- Writing ---------------------------------------------------------------------------------------------

	private void writeLoop() {
		List<Offer> group = new ArrayList<>();
		boolean stopping = false;
		while (true) {
			if (stopping) {
				// Offers made before close() still get their write.
				this.offers.drainTo(group, MAX_GROUP);
				group.removeIf((offer) -> offer == STOP);
				if (group.isEmpty()) {
					return;
				}
			}
			else {
				try {
					group.add(this.offers.take());
				}
				catch (InterruptedException ex) {
					// Not how this thread is stopped (an interrupt would close the file channel): go on.
					continue;
				}
				this.offers.drainTo(group, MAX_GROUP - 1);
				stopping = group.removeIf((offer) -> offer == STOP);
			}
			if (!group.isEmpty()) {
				writeGroup(group);
				group.clear();
			}
		}
	}

	/** Appends the group to the journal in one write, then queues each write in order and answers its offer. */
	private void writeGroup(List<Offer> group) {
		long start = this.active.size;
		try {
			ByteBuffer frames = encode(group);
			while (frames.hasRemaining()) {
				this.channel.write(frames);
			}
			this.active.size = this.channel.position();
		}
		catch (IOException | RuntimeException ex) {
			// Not taken: cut the journal back, so that a restart does not bring back writes reported as failed.
			ConnectorException error = new ConnectorException("file-queue",
					"Writing to the storage queue journal " + this.active.path + " failed: " + ex, ex);
			try {
				this.channel.truncate(start);
				this.channel.position(start);
			}
			catch (IOException truncate) {
				logger.error("The storage queue journal {} could not be cut back after a failed write: {}",
						this.active.path, truncate.toString());
			}
			group.forEach((offer) -> offer.sink.error(error));
			return;
		}
		for (Offer offer : group) {
			queueWrite(offer.write, this.active);
			offer.sink.success();
		}
		if (this.active.size >= this.segmentBytes) {
			// The next segment is opened before the full one is closed: if it cannot be, writing goes on in the
			// full one, and the roll is tried again after the next write.
			FileChannel full = this.channel;
			try {
				startSegment(this.active.number + 1);
			}
			catch (IOException ex) {
				logger.error("Starting a new storage queue journal segment in {} failed: {}", this.directory,
						ex.toString());
				return;
			}
			try {
				full.close();
			}
			catch (IOException ex) {
				logger.warn("Closing the full storage queue journal segment failed: {}", ex.toString());
			}
		}
	}

	private void queueWrite(VersionedRecord write, Segment segment) {
		int partition = this.queue.partitionOf(write.name());
		long offset = this.queue.append(write);
		this.backlog.addAndGet(weight(write));
		synchronized (this.segments) {
			segment.lastOffsets[partition] = offset;
		}
	}

	private ByteBuffer encode(List<Offer> group) {
		int size = 0;
		for (Offer offer : group) {
			size += FRAME_HEADER + entrySize(offer.write);
		}
		if (this.buffer.capacity() < size) {
			this.buffer = ByteBuffer.allocate(Math.max(size, this.buffer.capacity() * 2));
		}
		ByteBuffer frames = this.buffer.clear();
		for (Offer offer : group) {
			VersionedRecord write = offer.write;
			int at = frames.position();
			frames.position(at + FRAME_HEADER);
			byte[] name = write.name().getBytes(StandardCharsets.UTF_8);
			Instant expires = write.expiresAt();
			frames.put(FORMAT)
				.putLong(write.version())
				.put((byte) (write.deleted() ? 1 : 0))
				.putLong((expires != null) ? expires.getEpochSecond() : NO_EXPIRY)
				.putInt((expires != null) ? expires.getNano() : 0)
				.putInt(name.length)
				.put(name)
				.put(write.data());
			int length = frames.position() - at - FRAME_HEADER;
			this.crc.reset();
			this.crc.update(frames.array(), at + FRAME_HEADER, length);
			frames.putInt(at, length).putInt(at + 4, (int) this.crc.getValue());
		}
		return frames.flip();
	}

	private static int entrySize(VersionedRecord write) {
		// Names are mostly ASCII; a longer UTF-8 form only makes the buffer grow once.
		return ENTRY_HEADER + write.name().length() * 3 + write.data().length;
	}

	private void startSegment(long number) throws IOException {
		Path path = this.directory.resolve(String.format("queue-%019d.log", number));
		this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING);
		Segment segment = new Segment(number, path, this.committed.length);
		synchronized (this.segments) {
			this.segments.add(segment);
			this.active = segment;
		}
		deleteCommittedSegments();
	}

	// --- Committing --------------------------------------------------------------------------------------------

	/** The writes of a batch, the last at offset {@code upTo}, are committed. */
	private void committed(int partition, long upTo, List<VersionedRecord> writes) {
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
		deleteCommittedSegments();
	}

	/** What one write counts for in the backlog. */
	private static long weight(VersionedRecord write) {
		return WRITE_OVERHEAD + write.name().length() + write.data().length;
	}

	/** Bytes of writes queued and not yet committed (for tests and diagnostics). */
	public long backlogBytes() {
		return this.backlog.get();
	}

	/** Deletes the oldest segments, other than the one being written, whose writes are all committed. */
	private void deleteCommittedSegments() {
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

	// --- Reading back ------------------------------------------------------------------------------------------

	/** Reads every segment back into the queue, oldest first; returns how many writes it queued. */
	private int replay() throws IOException {
		List<Segment> found = new ArrayList<>();
		try (Stream<Path> files = Files.list(this.directory)) {
			for (Path path : (Iterable<Path>) files::iterator) {
				Matcher matcher = SEGMENT.matcher(path.getFileName().toString());
				if (matcher.matches()) {
					found.add(new Segment(Long.parseLong(matcher.group(1)), path, this.committed.length));
				}
			}
		}
		found.sort((a, b) -> Long.compare(a.number, b.number));
		int replayed = 0;
		for (int i = 0; i < found.size(); i++) {
			Segment segment = found.get(i);
			replayed += replaySegment(segment, i == found.size() - 1);
			synchronized (this.segments) {
				this.segments.add(segment);
				this.active = segment;
			}
		}
		return replayed;
	}

	private int replaySegment(Segment segment, boolean last) throws IOException {
		int count = 0;
		try (FileChannel file = FileChannel.open(segment.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			long length = file.size();
			ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
			long position = 0;
			while (position < length) {
				String damage = null;
				VersionedRecord write = null;
				if (length - position < FRAME_HEADER) {
					damage = "a frame header cut short";
				}
				else {
					readFully(file, header.clear(), position);
					int size = header.getInt(0);
					int checksum = header.getInt(4);
					if (size < ENTRY_HEADER || size > length - position - FRAME_HEADER) {
						damage = (size < ENTRY_HEADER) ? "an entry length of " + size
								: "an entry of " + size + " bytes cut short";
					}
					else {
						ByteBuffer entry = ByteBuffer.allocate(size);
						readFully(file, entry, position + FRAME_HEADER);
						this.crc.reset();
						this.crc.update(entry.array(), 0, size);
						if ((int) this.crc.getValue() != checksum) {
							damage = "an entry whose checksum does not match";
						}
						else {
							write = decode(entry.flip(), segment.path, position);
							position += FRAME_HEADER + size;
						}
					}
				}
				if (damage != null) {
					if (!last) {
						throw new ConnectorException("file-queue", "The storage queue journal segment " + segment.path
								+ " is damaged at byte " + position + " (" + damage + ") and is not the last one, so "
								+ "acknowledged writes after it would be lost; move it aside to start without them");
					}
					// A write cut short by a crash: its offer never completed, so it was never acknowledged.
					logger.warn("Storage queue journal segment {}: dropping {} bytes from byte {} ({}), left by a "
							+ "write that did not finish", segment.path, length - position, position, damage);
					file.truncate(position);
					break;
				}
				queueWrite(write, segment);
				count++;
			}
			segment.size = position;
		}
		return count;
	}

	private static void readFully(FileChannel file, ByteBuffer into, long position) throws IOException {
		long at = position;
		while (into.hasRemaining()) {
			int read = file.read(into, at);
			if (read < 0) {
				throw new EOFException("end of file at byte " + at);
			}
			at += read;
		}
	}

	private static VersionedRecord decode(ByteBuffer entry, Path path, long position) {
		try {
			byte format = entry.get();
			if (format != FORMAT) {
				throw new IllegalArgumentException("unknown entry format " + format);
			}
			long version = entry.getLong();
			byte deleted = entry.get();
			if (deleted != 0 && deleted != 1) {
				throw new IllegalArgumentException("tombstone flag " + deleted);
			}
			long seconds = entry.getLong();
			int nanos = entry.getInt();
			int nameLength = entry.getInt();
			if (nameLength < 1 || nameLength > entry.remaining()) {
				throw new IllegalArgumentException("name length " + nameLength);
			}
			byte[] name = new byte[nameLength];
			entry.get(name);
			byte[] data = new byte[entry.remaining()];
			entry.get(data);
			return new VersionedRecord(new String(name, StandardCharsets.UTF_8), version, data, deleted == 1,
					(seconds != NO_EXPIRY) ? Instant.ofEpochSecond(seconds, nanos) : null);
		}
		catch (RuntimeException ex) {
			throw new ConnectorException("file-queue", "The storage queue journal segment " + path
					+ " holds an entry at byte " + position + " that cannot be read (" + ex.getMessage() + ")", ex);
		}
	}

	// --- Parts -------------------------------------------------------------------------------------------------

	private record Offer(VersionedRecord write, MonoSink<Void> sink) {
	}

	/** Put in the offers by {@link #close()}: the writer writes what came before it and stops. */
	private static final Offer STOP = new Offer(null, null);

	/** One journal file: its number, path, size, and per partition the offset of its last write. */
	private static final class Segment {

		private final long number;

		private final Path path;

		private final long[] lastOffsets;

		/** Only the writer thread (or start-up) changes it. */
		private long size;

		Segment(long number, Path path, int partitions) {
			this.number = number;
			this.path = path;
			this.lastOffsets = new long[partitions];
		}

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
				.then(Mono.fromRunnable(
						() -> committed(partition(), InMemoryStorageQueue.lastOffsetOf(this.batch), writes())));
		}

		@Override
		public long lag() {
			return this.batch.lag();
		}

	}

}
