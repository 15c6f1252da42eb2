package io.sluice.connector.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.sluice.connector.VersionedRecord;

/**
 * A queued write as a Kafka record: the record's name is the key (so all its writes share a partition), and the
 * value holds a format byte, the version, the tombstone flag, the expiry and the data.
 */
final class QueuedRecordCodec {

	private static final byte FORMAT = 1;

	private static final long NO_EXPIRY = Long.MIN_VALUE;

	private QueuedRecordCodec() {
	}

	static byte[] key(String name) {
		return name.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] value(VersionedRecord record) {
		byte[] data = record.data();
		ByteBuffer buffer = ByteBuffer.allocate(1 + 8 + 1 + 8 + data.length);
		buffer.put(FORMAT)
			.putLong(record.version())
			.put((byte) (record.deleted() ? 1 : 0))
			.putLong((record.expiresAt() != null) ? record.expiresAt().toEpochMilli() : NO_EXPIRY)
			.put(data);
		return buffer.array();
	}

	/**
	 * Reads a queued write back.
	 * @throws IllegalArgumentException naming what is wrong, for a message no writer of this format made
	 */
	static VersionedRecord decode(byte[] key, byte[] value) {
		if (key == null || key.length == 0) {
			throw new IllegalArgumentException("the message has no key (the record name)");
		}
		if (value == null || value.length < 18) {
			throw new IllegalArgumentException("the message value is " + ((value == null) ? "missing" : value.length
					+ " bytes long") + ", shorter than a queued write's 18-byte header");
		}
		ByteBuffer buffer = ByteBuffer.wrap(value);
		byte format = buffer.get();
		if (format != FORMAT) {
			throw new IllegalArgumentException("the message is in unknown format " + format);
		}
		long version = buffer.getLong();
		byte deleted = buffer.get();
		if (deleted != 0 && deleted != 1) {
			throw new IllegalArgumentException("the tombstone flag is " + deleted + ", not 0 or 1");
		}
		long expires = buffer.getLong();
		byte[] data = new byte[buffer.remaining()];
		buffer.get(data);
		String name = new String(key, StandardCharsets.UTF_8);
		try {
			return new VersionedRecord(name, version, data, deleted == 1,
					(expires != NO_EXPIRY) ? Instant.ofEpochMilli(expires) : null);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("the write is not valid: " + ex.getMessage(), ex);
		}
	}

}
