package io.sluice.connector.file;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.connector.ConnectorException;

/**
 * The segment being written, mapped into memory: where the next entry goes, and how far its pages are faulted in.
 * The file is as long as the mapping while it is written, zeros after its last entry, and is cut to its entries
 * when it is finished.
 */
final class SegmentMapping {

	private static final Logger logger = LoggerFactory.getLogger(SegmentMapping.class);

	/** How far ahead of the appends the journal's thread keeps pages faulted in (at most a segment). */
	static final int AHEAD = 1024 * 1024;

	private static final int PAGE = 4096;

	final Segment segment;

	final MappedByteBuffer buffer;

	final int capacity;

	/** How far ahead of the position the journal's thread keeps pages faulted in. */
	final int ahead;

	/** Where the next entry goes; guarded by the writer's append lock. */
	int position;

	/** The bytes from the start whose pages are faulted in; guarded by the writer's append lock. */
	int ready;

	/** The bytes from the start known to be on the disk; guarded by this mapping. */
	private int forced;

	/** Whether the segment has been cut and unmapped; guarded by this mapping. */
	private boolean unmapped;

	private SegmentMapping(Segment segment, MappedByteBuffer buffer, int capacity) {
		this.segment = segment;
		this.buffer = buffer;
		this.capacity = capacity;
		this.ahead = Math.min(AHEAD, capacity);
	}

	/**
	 * Maps {@code capacity} bytes of the segment's file, appending after its entries, with pages faulted in up to
	 * {@code ready}.
	 */
	static SegmentMapping map(Segment segment, int capacity, int ready) throws IOException {
		MappedByteBuffer buffer;
		try (FileChannel file = FileChannel.open(segment.path, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE)) {
			// The file grows to the mapping's size; the bytes after its entries read as zeros.
			buffer = file.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
		}
		SegmentMapping mapping = new SegmentMapping(segment, buffer, capacity);
		int position = (int) segment.size;
		int upTo = Math.max(position, Math.min(capacity, ready));
		mapping.touch(position, upTo);
		mapping.position = position;
		mapping.ready = upTo;
		// The entries already there were forced on start-up, if they are forced at all.
		mapping.forced = position;
		return mapping;
	}

	/** Whether the journal's thread should fault in more pages; under the writer's append lock. */
	boolean runningLow() {
		return this.ready < this.capacity && this.ready - this.position < this.ahead / 2;
	}

	/** Copies an entry to {@code at}; the caller has made sure its pages are ready. */
	void put(int at, ByteBuffer entry, int length) {
		this.buffer.put(at, entry, 0, length);
	}

	/**
	 * Faults in the pages of {@code [from, upTo)}, writing a zero into each one: the bytes there are not written yet,
	 * and no append writes them before {@code ready} says so. A disk that is full shows here, not in an append.
	 */
	void touch(int from, int upTo) {
		try {
			for (int at = from; at < upTo; at = (at / PAGE + 1) * PAGE) {
				this.buffer.put(at, (byte) 0);
			}
		}
		catch (InternalError ex) {
			// What a mapped page that cannot be backed (a full disk) gives.
			throw new ConnectorException("file-queue", "The storage queue journal segment " + this.segment.path
					+ " cannot grow past byte " + from + " (the disk may be full): " + ex.getMessage(), ex);
		}
	}

	/**
	 * Forces the entries up to {@code upTo} to the disk, unless they are there already or the segment has been cut
	 * (it is forced whole first, if it is forced at all). Waits while another thread forces or cuts it.
	 * @throws java.io.UncheckedIOException if they cannot be written
	 */
	synchronized void force(JournalDisk disk, int upTo) {
		if (this.unmapped || upTo <= this.forced) {
			return;
		}
		disk.force(this.segment.path, this.buffer, this.forced, upTo);
		this.forced = upTo;
	}

	/** Cuts a segment no longer appended to down to its entries, and unmaps it. */
	synchronized void cut() {
		this.unmapped = true;
		try (FileChannel file = FileChannel.open(this.segment.path, StandardOpenOption.WRITE)) {
			file.truncate(this.segment.size);
		}
		catch (IOException ex) {
			// The zeros after its entries are read as the end of the segment on start-up: nothing is lost.
			logger.warn("Cutting the storage queue journal segment {} to its entries failed: {}", this.segment.path,
					ex.toString());
		}
		unmap(this.buffer);
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

}
