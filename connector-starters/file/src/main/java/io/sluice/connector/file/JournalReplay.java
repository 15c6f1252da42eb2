package io.sluice.connector.file;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.VersionedRecord;

/**
 * Reads the journal back on start-up, oldest segment first, queueing again every write in it. The zeros a stopped
 * process left after the entries of its last segment are cut; an entry cut short by a crash mid-write is dropped
 * from the end of the last segment; a damaged entry anywhere else stops start-up with the file and position named,
 * rather than skipping writes that were acknowledged.
 */
final class JournalReplay {

	private static final Logger logger = LoggerFactory.getLogger(JournalReplay.class);

	private final JournalSegments segments;

	private final CRC32C crc = new CRC32C();

	private JournalReplay(JournalSegments segments) {
		this.segments = segments;
	}

	/** Reads every segment back into the queue, oldest first; returns how many writes it queued. */
	static int replay(JournalSegments segments) throws IOException {
		return new JournalReplay(segments).replay();
	}

	private int replay() throws IOException {
		List<Segment> found = new ArrayList<>();
		try (Stream<Path> files = Files.list(this.segments.directory)) {
			for (Path path : (Iterable<Path>) files::iterator) {
				Segment segment = Segment.of(path, this.segments.partitions());
				if (segment != null) {
					found.add(segment);
				}
			}
		}
		found.sort(Comparator.comparingLong((segment) -> segment.number));
		int replayed = 0;
		for (int i = 0; i < found.size(); i++) {
			Segment segment = found.get(i);
			replayed += replaySegment(segment, i == found.size() - 1);
			this.segments.add(segment);
		}
		return replayed;
	}

	private int replaySegment(Segment segment, boolean last) throws IOException {
		int count = 0;
		try (FileChannel file = FileChannel.open(segment.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			long length = file.size();
			ByteBuffer header = ByteBuffer.allocate(JournalEntry.FRAME_HEADER);
			long position = 0;
			while (position < length) {
				String damage = null;
				VersionedRecord write = null;
				if (length - position < JournalEntry.FRAME_HEADER) {
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
					if (size < JournalEntry.MIN_SIZE || size > length - position - JournalEntry.FRAME_HEADER) {
						damage = (size < JournalEntry.MIN_SIZE) ? "an entry length of " + size
								: "an entry of " + size + " bytes cut short";
					}
					else {
						ByteBuffer entry = ByteBuffer.allocate(size);
						readFully(file, entry, position + JournalEntry.FRAME_HEADER);
						entry.flip();
						if (!JournalEntry.intact(this.crc, entry, checksum)) {
							damage = "an entry whose checksum does not match";
						}
						else {
							write = JournalEntry.decode(entry, segment.path, position);
							position += JournalEntry.FRAME_HEADER + size;
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
				this.segments.queue(write, segment);
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

}
