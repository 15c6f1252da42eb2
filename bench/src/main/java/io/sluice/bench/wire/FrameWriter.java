package io.sluice.bench.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes client-to-server frames into one reused buffer, so a sender allocates nothing per frame. A frame is begun
 * with {@link #begin}, its body fields are appended in field-number order (as protobuf.js writes them), and
 * {@link #finish} puts the length-delimited {@code Message {topic = 2; message = 3}} envelope in front of the body,
 * in the room left before it. The frame is then {@link #buffer()} from {@link #start()} to {@link #end()}, valid
 * until the next {@link #begin}.
 */
public final class FrameWriter {

	/** Room before the body for the envelope: a length varint, the topic field and the body's tag and length. */
	private static final int HEADROOM = 24;

	private static final byte[] TIMESTAMP_OPEN = "{\"t\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] PADDING_OPEN = ",\"p\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] PADDING_CLOSE = "\"}".getBytes(StandardCharsets.US_ASCII);

	private byte[] buffer = new byte[256];

	private int topic;

	private int start;

	private int end;

	public FrameWriter begin(int topic, int action) {
		this.topic = topic;
		this.start = HEADROOM;
		this.end = HEADROOM;
		return int32(1, action);
	}

	public FrameWriter int32(int field, long value) {
		ensure(20);
		tag(field, 0);
		varint(value);
		return this;
	}

	public FrameWriter bytes(int field, byte[] value) {
		return bytes(field, value, 0, value.length);
	}

	public FrameWriter bytes(int field, byte[] value, int offset, int length) {
		ensure(20 + length);
		tag(field, 2);
		varint(length);
		System.arraycopy(value, offset, this.buffer, this.end, length);
		this.end += length;
		return this;
	}

	public FrameWriter string(int field, String value) {
		return bytes(field, value.getBytes(StandardCharsets.UTF_8));
	}

	/** A string field holding the decimal digits of a non-negative {@code value}, such as a correlation id. */
	public FrameWriter decimal(int field, long value) {
		if (value < 0) {
			throw new IllegalArgumentException("decimal fields are for non-negative values, got " + value);
		}
		int digits = digits(value);
		ensure(20 + digits);
		tag(field, 2);
		varint(digits);
		writeDigits(value, digits);
		return this;
	}

	/**
	 * The data field (2) as {@code {"t":<nanos>,"p":"<padding>"}}, the payload that {@link Frame#timestamp()} reads
	 * back; {@code padding} is ASCII that needs no JSON escaping.
	 */
	public FrameWriter timestampedData(long nanos, byte[] padding) {
		if (nanos < 0) {
			throw new IllegalArgumentException("timestamps are non-negative, got " + nanos);
		}
		int digits = digits(nanos);
		int length = TIMESTAMP_OPEN.length + digits + PADDING_OPEN.length + padding.length + PADDING_CLOSE.length;
		ensure(20 + length);
		tag(2, 2);
		varint(length);
		append(TIMESTAMP_OPEN);
		writeDigits(nanos, digits);
		append(PADDING_OPEN);
		append(padding);
		append(PADDING_CLOSE);
		return this;
	}

	/** Puts the envelope in front of the body; the frame is then {@code buffer()[start() .. end())}. */
	public FrameWriter finish() {
		int bodyLength = this.end - HEADROOM;
		// Envelope: [varint outer length] [0x10 topic varint] [0x1A varint body length] body
		int outerLength = 1 + ProtoOut.varintSize(this.topic) + 1 + ProtoOut.varintSize(bodyLength) + bodyLength;
		int headerLength = ProtoOut.varintSize(outerLength) + outerLength - bodyLength;
		int position = HEADROOM - headerLength;
		this.start = position;
		position = putVarint(position, outerLength);
		this.buffer[position++] = (2 << 3);
		position = putVarint(position, this.topic);
		this.buffer[position++] = (3 << 3) | 2;
		putVarint(position, bodyLength);
		return this;
	}

	public byte[] buffer() {
		return this.buffer;
	}

	public int start() {
		return this.start;
	}

	public int end() {
		return this.end;
	}

	public int length() {
		return this.end - this.start;
	}

	/** A copy of the finished frame. */
	public byte[] toByteArray() {
		return Arrays.copyOfRange(this.buffer, this.start, this.end);
	}

	private void tag(int field, int wireType) {
		varint(((long) field << 3) | wireType);
	}

	private void varint(long value) {
		this.end = putVarint(this.end, value);
	}

	private int putVarint(int position, long value) {
		// int32 fields are sign-extended to 64 bits on the wire, as protobuf does.
		long remaining = value;
		while ((remaining & ~0x7FL) != 0) {
			this.buffer[position++] = (byte) ((remaining & 0x7F) | 0x80);
			remaining >>>= 7;
		}
		this.buffer[position++] = (byte) remaining;
		return position;
	}

	private void append(byte[] bytes) {
		System.arraycopy(bytes, 0, this.buffer, this.end, bytes.length);
		this.end += bytes.length;
	}

	private void writeDigits(long value, int digits) {
		long remaining = value;
		for (int i = this.end + digits - 1; i >= this.end; i--) {
			this.buffer[i] = (byte) ('0' + (remaining % 10));
			remaining /= 10;
		}
		this.end += digits;
	}

	private static int digits(long value) {
		int digits = 1;
		long remaining = value;
		while (remaining >= 10) {
			remaining /= 10;
			digits++;
		}
		return digits;
	}

	private void ensure(int extra) {
		if (this.end + extra > this.buffer.length) {
			this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.end + extra));
		}
	}

}
