package io.sluice.connector.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.VersionedRecordCodec;

/**
 * A queued write as a Kafka record: the record's name is the key (so all its writes share a partition), and the
 * value is the write in {@link VersionedRecordCodec}'s form.
 *
 * <p>Values written before that codec (format 1: version, tombstone flag, expiry in epoch milliseconds or
 * {@code Long.MIN_VALUE} for none, then the data; the name only in the key) are still read, since a topic can hold
 * them across an upgrade until the storage worker has taken them.
 */
final class QueuedRecordCodec {

	private static final byte FORMAT_1 = 1;

	private static final long FORMAT_1_NO_EXPIRY = Long.MIN_VALUE;

	private static final int FORMAT_1_HEADER = 1 + 8 + 1 + 8;

	private QueuedRecordCodec() {
	}

	static byte[] key(String name) {
		return name.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] value(VersionedRecord record) {
		return VersionedRecordCodec.encode(record);
	}

	/**
	 * Reads a queued write back.
	 * @throws IllegalArgumentException naming what is wrong, for a message no writer of a known format made
	 */
	static VersionedRecord decode(byte[] key, byte[] value) {
		if (key == null || key.length == 0) {
			throw new IllegalArgumentException("the message has no key (the record name)");
		}
		if (value == null || value.length == 0) {
			throw new IllegalArgumentException("the message has no value");
		}
		if (value[0] == FORMAT_1) {
			return decodeFormat1(key, value);
		}
		try {
			return VersionedRecordCodec.decode(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("the message value is not a queued write: " + ex.getMessage(), ex);
		}
	}

	private static VersionedRecord decodeFormat1(byte[] key, byte[] value) {
		if (value.length < FORMAT_1_HEADER) {
			throw new IllegalArgumentException("the message value is " + value.length + " bytes long, shorter than "
					+ "a format 1 queued write's " + FORMAT_1_HEADER + "-byte header");
		}
		ByteBuffer buffer = ByteBuffer.wrap(value, 1, value.length - 1);
		long version = buffer.getLong();
		byte deleted = buffer.get();
		if (deleted != 0 && deleted != 1) {
			throw new IllegalArgumentException("the tombstone flag is " + deleted + ", not 0 or 1");
		}
		long expires = buffer.getLong();
		byte[] data = new byte[buffer.remaining()];
		buffer.get(data);
		try {
			return new VersionedRecord(new String(key, StandardCharsets.UTF_8), version, data, deleted == 1,
					(expires != FORMAT_1_NO_EXPIRY) ? Instant.ofEpochMilli(expires) : null);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("the write is not valid: " + ex.getMessage(), ex);
		}
	}

}
