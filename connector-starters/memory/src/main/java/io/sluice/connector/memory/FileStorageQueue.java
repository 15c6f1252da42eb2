package io.sluice.connector.memory;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
 * <p>The journal is a directory of segment files ({@code queue-<n>.log}). The segment being written is mapped
 * into memory, and an offer appends its entry there itself, on the offering thread: a copy into pages that the
 * journal's own thread has already faulted in ahead of the appends, with no system call and no hand-off to
 * another thread, so that a set's answer does not wait for a thread to wake. Only an offer that finds no room
 * ready (the segment full, or the appends faster than the pages ahead of them) goes to the journal's thread, which
 * starts the next segment or faults in more pages and appends it, keeping the order of the offers. A write is in
 * the operating system's file cache when its offer completes (like a database that does not force every commit to
 * the disk): it survives the process being killed, not a power cut. A segment is deleted once every write in it
 * has been committed and a newer segment has been started; until then a restart delivers its writes again,
 * committed or not (at least once; the store's version guard makes a second delivery harmless).
 *
 * <p>The writes not yet committed are held in memory as well: past {@code maxBacklogBytes} of them (a store that
 * is down or far behind), offers fail with an error that says so, rather than fill the heap.
 *
 * <p>Each entry is framed as its length, a CRC-32C of its bytes, and the bytes. A segment is as long as its
 * mapping while it is written, the space after its last entry zeros, and is cut to its entries when it is
 * finished or the queue is closed; after a crash the zeros are cut on start-up. An entry cut short by a crash
 * mid-write is dropped from the end of the last segment on start-up; a damaged entry anywhere else stops start-up
 * with the file and position named, rather than skipping writes that were acknowledged.
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

	/** How far ahead of the appends the journal's thread keeps pages faulted in (at most a segment). */
	private static final int AHEAD = 1024 * 1024;

	/** What the journal's thread faults in at once for an offer that found no room: enough to go on with. */
	private static final int FIRST_ROOM = 64 * 1024;

	private static final int PAGE = 4096;

	/**
	 * The most offers a millisecond that append themselves; past it they go to the journal's thread, which appends
	 * and answers them in groups, beside the threads that offer (a busy writer's event loop then does not do the
	 * answering as well).
	 */
	private static final int INLINE_PER_MILLI = 32;

	private static final long INLINE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	/** The most segment bytes one mapping can hold. */
	public static final long MAX_SEGMENT_BYTES = Integer.MAX_VALUE;

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

	/**
	 * Guards the appends: the active mapping, its position, the offers handed to the journal's thread, and the
	 * buffer entries are encoded in. Held only to encode and copy one entry at a time, never across a system call.
	 */
	private final Object appendLock = new Object();

	/** Offers that found no room ready, oldest first, for the journal's thread; guarded by {@code appendLock}. */
	private final ArrayDeque<Offer> handedOff = new ArrayDeque<>();

	/** The segment being written, or {@code null} once closed; guarded by {@code appendLock}. */
	private Mapping mapping;

	/** Where offers that append themselves encode their entries; guarded by {@code appendLock}. */
	private final Encoder offering = new Encoder();

	/** Where the journal's thread encodes the entries handed to it; that thread's alone. */
	private final Encoder journaling = new Encoder();

	/** Whether the journal's thread is appending offers it took from the hand-off; guarded by {@code appendLock}. */
	private boolean draining;

	/** Since when (nanoTime) {@code inlineCount} offers appended themselves; guarded by {@code appendLock}. */
	private long inlineSince;

	private int inlineCount;

	/** For checking entries on start-up. */
	private final CRC32C crc = new CRC32C();

	/** Whether the journal's thread has been asked to look for work since it last looked. */
	private final AtomicBoolean signalled = new AtomicBoolean();

	private final Thread writer;

	/** The last segment started or read back; start-up reads it, and {@link #startSegment} sets it. */
	private Segment active;

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
		if (segmentBytes < 1024 || segmentBytes > MAX_SEGMENT_BYTES) {
			throw new IllegalArgumentException("A journal segment must be from 1024 to " + MAX_SEGMENT_BYTES
					+ " bytes, was " + segmentBytes);
		}
		this.directory = Objects.requireNonNull(directory, "directory");
		this.segmentBytes = segmentBytes;
		this.maxBacklogBytes = maxBacklogBytes;
		this.queue = new InMemoryStorageQueue(partitions, maxBatch, linger);
		this.committed = new long[partitions];
		try {
			Files.createDirectories(directory);
			int replayed = replay();
			Mapping first;
			if (this.active == null || this.active.size >= segmentBytes) {
				first = startSegment((this.active != null) ? this.active.number + 1 : 1, 0);
				deleteCommittedSegments();
			}
			else {
				first = map(this.active, (int) segmentBytes, Math.min(AHEAD, (int) segmentBytes));
			}
			synchronized (this.appendLock) {
				this.mapping = first;
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
			long held = this.backlog.get();
			if (held >= this.maxBacklogBytes) {
				sink.error(new ConnectorException("file-queue", "The storage queue holds " + held + " bytes of writes "
						+ "that the store has not taken yet, its limit (sluice.queue.file.max-backlog): the store is "
						+ "behind or unreachable"));
				return;
			}
			boolean shut;
			boolean appended = false;
			boolean wake = false;
			synchronized (this.appendLock) {
				// Checked under the lock: once closing has taken the mapping away, no offer can be left behind.
				shut = this.closed || this.mapping == null;
				if (!shut) {
					// Behind an offer handed off, so that the journal keeps the order of the offers.
					appended = mayAppendInline() && appendIfReady(write);
					if (!appended) {
						this.handedOff.add(new Offer(write, sink));
					}
					wake = !appended || this.mapping.runningLow();
				}
			}
			if (shut) {
				sink.error(closedError());
				return;
			}
			if (wake) {
				wakeWriter();
			}
			if (appended) {
				this.queue.drainConsumers();
				sink.success();
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

	@Override
	public Mono<Void> drainedRecord(String name) {
		return this.queue.drainedRecord(name);
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
		wakeWriter();
		try {
			this.writer.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		List<Offer> left;
		synchronized (this.appendLock) {
			left = new ArrayList<>(this.handedOff);
			this.handedOff.clear();
		}
		left.forEach((offer) -> offer.sink.error(closedError()));
		if (this.writer.isAlive()) {
			logger.warn("The storage queue journal {} did not finish closing within 10 s", this.directory);
		}
	}

	private static ConnectorException closedError() {
		return new ConnectorException("file-queue", "The storage queue is closed");
	}

	// --- Writing ---------------------------------------------------------------------------------------------

	private void wakeWriter() {
		if (this.signalled.compareAndSet(false, true)) {
			LockSupport.unpark(this.writer);
		}
	}

	/**
	 * Whether an offer may append itself: nothing handed off is waiting or being appended (the journal keeps the
	 * order of the offers), and not more than {@link #INLINE_PER_MILLI} offers appended themselves in the last
	 * millisecond. Under {@code appendLock}.
	 */
	private boolean mayAppendInline() {
		if (this.draining || !this.handedOff.isEmpty()) {
			return false;
		}
		long now = System.nanoTime();
		if (now - this.inlineSince > INLINE_WINDOW_NANOS) {
			this.inlineSince = now;
			this.inlineCount = 0;
		}
		return ++this.inlineCount <= INLINE_PER_MILLI;
	}

	/**
	 * Appends the write's entry to the active segment if it fits in the pages faulted in already, and queues it.
	 * Under {@code appendLock}; the consumers are told, and the offer answered, once it is let go.
	 */
	private boolean appendIfReady(VersionedRecord write) {
		Mapping target = this.mapping;
		ByteBuffer frame = this.offering.encode(write);
		int length = frame.remaining();
		if (target.position + length > target.ready) {
			return false;
		}
		target.buffer.put(target.position, frame, 0, length);
		target.position += length;
		target.segment.size = target.position;
		queueWrite(write, target.segment);
		return true;
	}

	/**
	 * The journal's thread: appends the offers handed to it, in groups, making room for them (faulting in pages,
	 * starting a segment), answers them, and keeps pages faulted in ahead of the appends. On close, it appends
	 * what was offered before, cuts the active segment to its entries and stops.
	 */
	private void writeLoop() {
		while (true) {
			// Cleared before looking, so that a signal given while it looks is not lost.
			this.signalled.set(false);
			boolean stopping = this.closed;
			List<Offer> taken = null;
			Mapping current;
			boolean low;
			int position;
			int ready;
			synchronized (this.appendLock) {
				if (!this.handedOff.isEmpty()) {
					taken = new ArrayList<>(this.handedOff);
					this.handedOff.clear();
					// Until they are appended, offers hand themselves off too, behind them.
					this.draining = true;
				}
				current = this.mapping;
				low = current.runningLow();
				position = current.position;
				ready = current.ready;
			}
			if (taken != null) {
				appendTaken(current, position, ready, taken);
				continue;
			}
			if (low && !stopping) {
				try {
					int upTo = Math.min(current.capacity, position + current.ahead);
					touch(current, ready, upTo);
					synchronized (this.appendLock) {
						current.ready = Math.max(current.ready, upTo);
					}
				}
				catch (ConnectorException ex) {
					// Offers that find no room come here, and are told.
					logger.error(ex.getMessage());
				}
				continue;
			}
			if (stopping) {
				finish();
				return;
			}
			if (!this.signalled.get()) {
				LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
			}
		}
	}

	/**
	 * Appends offers taken from the hand-off, oldest first, outside {@code appendLock}: no offer appends itself
	 * meanwhile. Makes room as it goes; an offer there is no room for fails, and so does every later one taken.
	 */
	private void appendTaken(Mapping first, int firstPosition, int firstReady, List<Offer> taken) {
		Mapping current = first;
		int position = firstPosition;
		int ready = firstReady;
		int appended = 0;
		ConnectorException failure = null;
		for (Offer offer : taken) {
			ByteBuffer frame = this.journaling.encode(offer.write);
			int length = frame.remaining();
			try {
				if ((long) position + length > current.capacity) {
					current = roll(current, length);
					position = current.position;
					ready = current.ready;
				}
				if (position + length > ready) {
					int upTo = (int) Math.min(current.capacity, (long) position + length + current.ahead);
					touch(current, ready, upTo);
					ready = upTo;
				}
			}
			catch (ConnectorException ex) {
				failure = ex;
				break;
			}
			current.buffer.put(position, frame, 0, length);
			position += length;
			current.segment.size = position;
			queueWrite(offer.write, current.segment);
			appended++;
		}
		synchronized (this.appendLock) {
			current.position = position;
			current.ready = Math.max(current.ready, ready);
			this.draining = false;
		}
		if (appended > 0) {
			this.queue.drainConsumers();
		}
		for (int i = 0; i < taken.size(); i++) {
			if (i < appended) {
				taken.get(i).sink.success();
			}
			else {
				taken.get(i).sink.error(failure);
			}
		}
		if (failure != null) {
			logger.error(failure.getMessage());
		}
	}

	/**
	 * Starts the next segment, with room for an entry of {@code needed} bytes, and finishes the current one. On the
	 * journal's thread while it appends: no offer appends itself meanwhile.
	 */
	private Mapping roll(Mapping current, int needed) {
		Mapping next;
		try {
			next = startSegment(current.segment.number + 1, needed);
		}
		catch (IOException | UncheckedIOException ex) {
			throw new ConnectorException("file-queue", "Starting a new storage queue journal segment in "
					+ this.directory + " failed: " + ex, ex);
		}
		synchronized (this.appendLock) {
			this.mapping = next;
		}
		// No append uses the full segment any more: only this thread has it. Deleted, if committed, once cut.
		cut(current);
		deleteCommittedSegments();
		return next;
	}

	/** Closing: cuts the active segment to its entries, and lets go of it. */
	private void finish() {
		Mapping last;
		List<Offer> left;
		synchronized (this.appendLock) {
			last = this.mapping;
			this.mapping = null;
			left = new ArrayList<>(this.handedOff);
			this.handedOff.clear();
		}
		left.forEach((offer) -> offer.sink.error(closedError()));
		if (last != null) {
			cut(last);
		}
	}

	/** Cuts a segment no longer appended to down to its entries, and unmaps it. */
	private void cut(Mapping finished) {
		try (FileChannel file = FileChannel.open(finished.segment.path, StandardOpenOption.WRITE)) {
			file.truncate(finished.segment.size);
		}
		catch (IOException ex) {
			// The zeros after its entries are read as the end of the segment on start-up: nothing is lost.
			logger.warn("Cutting the storage queue journal segment {} to its entries failed: {}",
					finished.segment.path, ex.toString());
		}
		unmap(finished.buffer);
	}

	/**
	 * Faults in the pages of {@code [from, upTo)}, writing a zero into each one: the bytes there are not written yet,
	 * and no append writes them before {@code ready} says so. A disk that is full shows here, not in an append.
	 */
	private static void touch(Mapping target, int from, int upTo) {
		try {
			for (int at = from; at < upTo; at = (at / PAGE + 1) * PAGE) {
				target.buffer.put(at, (byte) 0);
			}
		}
		catch (InternalError ex) {
			// What a mapped page that cannot be backed (a full disk) gives.
			throw new ConnectorException("file-queue", "The storage queue journal segment " + target.segment.path
					+ " cannot grow past byte " + from + " (the disk may be full): " + ex.getMessage(), ex);
		}
	}

	/** Queues a write appended to {@code segment}; the caller tells the consumers with {@code drainConsumers}. */
	private void queueWrite(VersionedRecord write, Segment segment) {
		int partition = this.queue.partitionOf(write.name());
		long offset = this.queue.appendQuietly(write);
		this.backlog.addAndGet(weight(write));
		synchronized (this.segments) {
			segment.lastOffsets[partition] = offset;
		}
	}

	private static int entrySize(VersionedRecord write) {
		// Names are mostly ASCII; a longer UTF-8 form only makes the buffer grow once.
		return ENTRY_HEADER + write.name().length() * 3 + write.data().length;
	}

	/**
	 * Creates segment {@code number}, with room for at least {@code needed} bytes, maps it and faults in its first
	 * pages; it becomes the last of the segments. The caller deletes the committed ones once the one before is cut.
	 */
	private Mapping startSegment(long number, int needed) throws IOException {
		Path path = this.directory.resolve(String.format("queue-%019d.log", number));
		Files.deleteIfExists(path);
		Segment segment = new Segment(number, path, this.committed.length);
		int capacity = (int) Math.max(this.segmentBytes, needed);
		Mapping started = map(segment, capacity, (int) Math.min(capacity, (long) needed + FIRST_ROOM));
		synchronized (this.segments) {
			this.segments.add(segment);
			this.active = segment;
		}
		return started;
	}

	/** Maps {@code capacity} bytes of the segment's file, appending after its entries, with pages up to {@code ready}. */
	private static Mapping map(Segment segment, int capacity, int ready) throws IOException {
		MappedByteBuffer buffer;
		try (FileChannel file = FileChannel.open(segment.path, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE)) {
			// The file grows to the mapping's size; the bytes after its entries read as zeros.
			buffer = file.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
		}
		Mapping mapping = new Mapping(segment, buffer, capacity);
		int position = (int) segment.size;
		int upTo = Math.max(position, Math.min(capacity, ready));
		touch(mapping, position, upTo);
		mapping.position = position;
		mapping.ready = upTo;
		return mapping;
	}

	/** Unmaps a buffer at once if the JDK lets this be done, rather than when it is collected. */
	private static void unmap(MappedByteBuffer buffer) {
		if (UNMAP != null) {
			try {
				UNMAP.invoke(buffer);
			}
			catch (Throwable ex) {
				logger.debug("Unmapping a storage queue journal segment failed; the collector will: {}", ex.toString());
			}
		}
	}

	/** {@code sun.misc.Unsafe.invokeCleaner}, bound to the instance, or {@code null} where it is not there. */
	private static final MethodHandle UNMAP = unmapper();

	private static MethodHandle unmapper() {
		try {
			Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
			Field field = unsafeClass.getDeclaredField("theUnsafe");
			field.setAccessible(true);
			return MethodHandles.lookup()
				.findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
				.bindTo(field.get(null));
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
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
					if (size == 0 && checksum == 0 && zerosFrom(file, position, length)) {
						// The mapped space after the entries, left by a process that stopped without cutting it.
						file.truncate(position);
						break;
					}
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
				// No consumer can have subscribed yet: nothing to tell.
				queueWrite(write, segment);
				count++;
			}
			segment.size = position;
		}
		return count;
	}

	/** Whether every byte of the file from {@code position} to {@code length} is zero. */
	private static boolean zerosFrom(FileChannel file, long position, long length) throws IOException {
		ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
		long at = position;
		while (at < length) {
			chunk.clear().limit((int) Math.min(chunk.capacity(), length - at));
			readFully(file, chunk, at);
			for (int i = 0; i < chunk.limit(); i++) {
				if (chunk.get(i) != 0) {
					return false;
				}
			}
			at += chunk.limit();
		}
		return true;
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

	/** One journal file: its number, path, size, and per partition the offset of its last write. */
	private static final class Segment {

		private final long number;

		private final Path path;

		private final long[] lastOffsets;

		/** The bytes of its entries; changed under {@code appendLock} (or by start-up). */
		private long size;

		Segment(long number, Path path, int partitions) {
			this.number = number;
			this.path = path;
			this.lastOffsets = new long[partitions];
		}

	}

	/** Encodes framed entries into a buffer of its own; one thread at a time. */
	private static final class Encoder {

		private final CRC32C crc = new CRC32C();

		private ByteBuffer buffer = ByteBuffer.allocate(4 * 1024);

		/** The write's framed entry, in this encoder's buffer until the next call, flipped for reading. */
		ByteBuffer encode(VersionedRecord write) {
			int size = FRAME_HEADER + entrySize(write);
			if (this.buffer.capacity() < size) {
				this.buffer = ByteBuffer.allocate(Math.max(size, this.buffer.capacity() * 2));
			}
			ByteBuffer frame = this.buffer.clear();
			frame.position(FRAME_HEADER);
			byte[] name = write.name().getBytes(StandardCharsets.UTF_8);
			Instant expires = write.expiresAt();
			frame.put(FORMAT)
				.putLong(write.version())
				.put((byte) (write.deleted() ? 1 : 0))
				.putLong((expires != null) ? expires.getEpochSecond() : NO_EXPIRY)
				.putInt((expires != null) ? expires.getNano() : 0)
				.putInt(name.length)
				.put(name)
				.put(write.data());
			int length = frame.position() - FRAME_HEADER;
			this.crc.reset();
			this.crc.update(frame.array(), FRAME_HEADER, length);
			frame.putInt(0, length).putInt(4, (int) this.crc.getValue());
			return frame.flip();
		}

	}

	/** The segment being written, mapped: where the next entry goes, and how far pages are faulted in. */
	private static final class Mapping {

		private final Segment segment;

		private final MappedByteBuffer buffer;

		private final int capacity;

		/** How far ahead of the position the journal's thread keeps pages faulted in. */
		private final int ahead;

		/** Where the next entry goes; guarded by {@code appendLock}. */
		private int position;

		/** The bytes from the start whose pages are faulted in; guarded by {@code appendLock}. */
		private int ready;

		Mapping(Segment segment, MappedByteBuffer buffer, int capacity) {
			this.segment = segment;
			this.buffer = buffer;
			this.capacity = capacity;
			this.ahead = Math.min(AHEAD, capacity);
		}

		/** Whether the journal's thread should fault in more pages; under {@code appendLock}. */
		boolean runningLow() {
			return this.ready < this.capacity && this.ready - this.position < this.ahead / 2;
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
