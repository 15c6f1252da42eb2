package io.sluice.connector;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * The one binary form of a {@link VersionedRecord}, wherever a record crosses a wire or a file: the storage queue's
 * journal and Kafka topic, the record changes on the bus, the internal records API. Big-endian:
 *
 * <pre>
 * format      1 byte   {@value #FORMAT}
 * flags       1 byte   bit 0: tombstone; bit 1: expires; the other bits 0
 * version     8 bytes
 * expiry      12 bytes, only with bit 1: epoch seconds (8), then nanoseconds of that second (4, 0 to 999,999,999)
 * name        4-byte length (at least 1), then the name in UTF-8
 * data        4-byte length, then the data
 * </pre>
 *
 * <p>The expiry is kept to the nanosecond, as every store keeps it ({@code docs/decisions/record-codec.md}), so a
 * record reads back equal to the one written whichever way it went. A record is self-delimiting, so it can be read
 * from the middle of a larger message. The leading format byte lets a later format be read beside this one; this
 * one is 2, because 1 starts what the journal and the Kafka queue wrote before it, and their readers still tell
 * those apart by it.
 */
public final class VersionedRecordCodec {

	/** The format this codec writes. */
	public static final byte FORMAT = 2;

	private static final int TOMBSTONE = 1;

	private static final int EXPIRES = 2;

	/** Format, flags, version, name length and data length: the bytes of a record without expiry, name or data. */
	private static final int HEADER = 1 + 1 + 8 + 4 + 4;

	private static final int EXPIRY = 8 + 4;

	private VersionedRecordCodec() {
	}

	/** The bytes {@link #encode} writes for {@code record}. */
	public static int encodedSize(VersionedRecord record) {
		return HEADER + ((record.expiresAt() != null) ? EXPIRY : 0) + utf8Length(record.name())
				+ record.data().length;
	}

	/** The record's bytes, in an array of exactly their size. */
	public static byte[] encode(VersionedRecord record) {
		byte[] name = record.name().getBytes(StandardCharsets.UTF_8);
		ByteBuffer out = ByteBuffer
			.allocate(HEADER + ((record.expiresAt() != null) ? EXPIRY : 0) + name.length + record.data().length);
		put(record, name, out);
		return out.array();
	}

	/**
	 * Writes the record's bytes at the buffer's position, and moves it past them.
	 * @throws java.nio.BufferOverflowException if fewer than {@link #encodedSize} bytes remain
	 */
	public static void encode(VersionedRecord record, ByteBuffer into) {
		put(record, record.name().getBytes(StandardCharsets.UTF_8), into);
	}

	private static void put(VersionedRecord record, byte[] name, ByteBuffer out) {
		Instant expires = record.expiresAt();
		out.put(FORMAT)
			.put((byte) ((record.deleted() ? TOMBSTONE : 0) | ((expires != null) ? EXPIRES : 0)))
			.putLong(record.version());
		if (expires != null) {
			out.putLong(expires.getEpochSecond()).putInt(expires.getNano());
		}
		out.putInt(name.length).put(name).putInt(record.data().length).put(record.data());
	}

	/**
	 * Reads a record from bytes that hold it and nothing else.
	 * @throws IllegalArgumentException naming what is wrong, for bytes this codec did not write
	 */
	public static VersionedRecord decode(byte[] bytes) {
		if (bytes == null) {
			throw new IllegalArgumentException("A versioned record is missing: no bytes");
		}
		ByteBuffer in = ByteBuffer.wrap(bytes);
		VersionedRecord record = decode(in);
		if (in.hasRemaining()) {
			throw new IllegalArgumentException(in.remaining() + " bytes are left over after the versioned record "
					+ record.name() + " (" + bytes.length + " bytes in all)");
		}
		return record;
	}

	/**
	 * Reads one record from the buffer's position, and moves it past the record.
	 * @throws IllegalArgumentException naming what is wrong, for bytes this codec did not write
	 */
	public static VersionedRecord decode(ByteBuffer in) {
		int start = in.position();
		try {
			byte format = in.get();
			if (format != FORMAT) {
				throw new IllegalArgumentException("unknown format " + format + " (this codec reads format " + FORMAT
						+ ")");
			}
			int flags = in.get();
			if ((flags & ~(TOMBSTONE | EXPIRES)) != 0) {
				throw new IllegalArgumentException("unknown flags 0x" + Integer.toHexString(flags & 0xFF));
			}
			long version = in.getLong();
			Instant expires = null;
			if ((flags & EXPIRES) != 0) {
				long seconds = in.getLong();
				int nanos = in.getInt();
				if (nanos < 0 || nanos > 999_999_999) {
					throw new IllegalArgumentException("expiry nanoseconds " + nanos + " outside 0 to 999999999");
				}
				expires = Instant.ofEpochSecond(seconds, nanos);
			}
			int nameLength = length(in, "name");
			if (nameLength == 0) {
				throw new IllegalArgumentException("the name is empty");
			}
			String name = utf8(in, nameLength);
			byte[] data = new byte[length(in, "data")];
			in.get(data);
			return new VersionedRecord(name, version, data, (flags & TOMBSTONE) != 0, expires);
		}
		catch (BufferUnderflowException ex) {
			throw new IllegalArgumentException("A versioned record at byte " + start + " is cut short after "
					+ (in.position() - start) + " bytes", ex);
		}
		catch (IllegalArgumentException | DateTimeException ex) {
			throw new IllegalArgumentException("A versioned record at byte " + start + " cannot be read: "
					+ ex.getMessage(), ex);
		}
	}

	private static String utf8(ByteBuffer in, int length) {
		if (in.hasArray()) {
			String value = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
			in.position(in.position() + length);
			return value;
		}
		byte[] bytes = new byte[length];
		in.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/** A length that must fit in what is left of the buffer. */
	private static int length(ByteBuffer in, String of) {
		int length = in.getInt();
		if (length < 0 || length > in.remaining()) {
			throw new IllegalArgumentException("the " + of + " length " + length + " runs past the "
					+ in.remaining() + " bytes left");
		}
		return length;
	}

	/** The bytes of {@code value} in UTF-8, as {@link String#getBytes} makes them (a lone surrogate becomes '?'). */
	private static int utf8Length(String value) {
		int length = value.length();
		int bytes = 0;
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c < 0x80) {
				bytes++;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else if (Character.isSurrogate(c)) {
				bytes++;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

}
