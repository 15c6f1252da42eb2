package io.sluice.connector.file;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.CRC32C;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.VersionedRecordCodec;

/**
 * One write in the journal: framed as the length of its entry, a CRC-32C of the entry's bytes, and the entry, the
 * write in {@link VersionedRecordCodec}'s form.
 *
 * <p>Entries of format 1, written before that codec (version, tombstone flag, expiry as epoch seconds and
 * nanoseconds or {@code Long.MIN_VALUE} seconds for none, name length, name, and the data to the end), are still
 * read: a journal left by a crash, or the last segment of a clean stop, holds them across an upgrade.
 */
final class JournalEntry {

	/** Length and checksum, before each entry's bytes. */
	static final int FRAME_HEADER = 8;

	/** The smallest entry of either format: the record codec's, with a one-byte name and no data. */
	static final int MIN_SIZE = VersionedRecordCodec.encodedSize(VersionedRecord.of("n", 0, new byte[0]));

	private static final byte FORMAT_1 = 1;

	private static final long FORMAT_1_NO_EXPIRY = Long.MIN_VALUE;

	private JournalEntry() {
	}

	/** Whether {@code entry}'s bytes match {@code checksum}. */
	static boolean intact(CRC32C crc, ByteBuffer entry, int checksum) {
		crc.reset();
		crc.update(entry.array(), entry.arrayOffset(), entry.limit());
		return (int) crc.getValue() == checksum;
	}

	/**
	 * The write in an entry that passed its checksum.
	 * @throws ConnectorException naming the segment and byte, if it cannot be read
	 */
	static VersionedRecord decode(ByteBuffer entry, Path path, long position) {
		try {
			if (entry.get(entry.position()) == FORMAT_1) {
				return decodeFormat1(entry);
			}
			VersionedRecord write = VersionedRecordCodec.decode(entry);
			if (entry.hasRemaining()) {
				throw new IllegalArgumentException(entry.remaining() + " bytes left over after the write");
			}
			return write;
		}
		catch (RuntimeException ex) {
			throw new ConnectorException("file-queue", "The storage queue journal segment " + path
					+ " holds an entry at byte " + position + " that cannot be read (" + ex.getMessage() + ")", ex);
		}
	}

	private static VersionedRecord decodeFormat1(ByteBuffer entry) {
		entry.get();
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
				(seconds != FORMAT_1_NO_EXPIRY) ? Instant.ofEpochSecond(seconds, nanos) : null);
	}

	/** Encodes framed entries into a buffer of its own; one thread at a time. */
	static final class Encoder {

		private final CRC32C crc = new CRC32C();

		private ByteBuffer buffer = ByteBuffer.allocate(4 * 1024);

		/** The write's framed entry, in this encoder's buffer until the next call, flipped for reading. */
		ByteBuffer encode(VersionedRecord write) {
			int size = FRAME_HEADER + VersionedRecordCodec.encodedSize(write);
			if (this.buffer.capacity() < size) {
				this.buffer = ByteBuffer.allocate(Math.max(size, this.buffer.capacity() * 2));
			}
			ByteBuffer frame = this.buffer.clear();
			frame.position(FRAME_HEADER);
			VersionedRecordCodec.encode(write, frame);
			int length = frame.position() - FRAME_HEADER;
			this.crc.reset();
			this.crc.update(frame.array(), FRAME_HEADER, length);
			frame.putInt(0, length).putInt(4, (int) this.crc.getValue());
			return frame.flip();
		}

	}

}
