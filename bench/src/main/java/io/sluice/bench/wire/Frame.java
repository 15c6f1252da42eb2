package io.sluice.bench.wire;

import java.nio.charset.StandardCharsets;

/**
 * One decoded server-to-client frame, decoded in place over the received bytes and reused for the next frame of
 * the same connection (so the load generator allocates little per message). Only the fields the load generator
 * reads are kept; everything else is skipped.
 */
public final class Frame {

	private byte[] bytes = new byte[256];

	private int topic;

	private int action;

	private boolean ack;

	private boolean error;

	private long version;

	private int dataStart;

	private int dataEnd;

	private int nameStart;

	private int nameEnd;

	private int correlationStart;

	private int correlationEnd;

	/** Room for a frame of {@code length} bytes, to copy the received frame into before {@link #decode(int)}. */
	public byte[] buffer(int length) {
		if (this.bytes.length < length) {
			this.bytes = new byte[Math.max(length, this.bytes.length * 2)];
		}
		return this.bytes;
	}

	/** Copies {@code frame} into this frame's buffer and decodes it. */
	public Frame decode(byte[] frame) {
		System.arraycopy(frame, 0, buffer(frame.length), 0, frame.length);
		return decode(frame.length);
	}

	/**
	 * Decodes the first {@code length} bytes of {@link #buffer(int)}.
	 * @throws IllegalArgumentException if they are not a well-formed frame
	 */
	public Frame decode(int length) {
		this.topic = 0;
		this.action = 0;
		this.ack = false;
		this.error = false;
		this.version = Long.MIN_VALUE;
		this.dataStart = this.dataEnd = this.nameStart = this.nameEnd = this.correlationStart = this.correlationEnd = -1;
		int[] position = { 0 };
		int outerLength = (int) varint(position, length);
		int end = position[0] + outerLength;
		if (end > length) {
			throw new IllegalArgumentException("Frame is shorter than its length prefix");
		}
		int bodyStart = -1;
		int bodyEnd = -1;
		while (position[0] < end) {
			long tag = varint(position, end);
			int field = (int) (tag >>> 3);
			int wireType = (int) (tag & 7);
			if (field == 2 && wireType == 0) {
				this.topic = (int) varint(position, end);
			}
			else if (field == 3 && wireType == 2) {
				int size = (int) varint(position, end);
				bodyStart = position[0];
				bodyEnd = bodyStart + size;
				position[0] = bodyEnd;
			}
			else {
				skip(position, end, wireType);
			}
		}
		if (bodyStart >= 0) {
			decodeBody(position, bodyStart, bodyEnd);
		}
		return this;
	}

	private void decodeBody(int[] position, int start, int end) {
		// Names sit at different field numbers per topic: RPC has name = 7, the others name = 6.
		int nameField = (this.topic == Frames.TOPIC_RPC) ? 7 : 6;
		int ackField = (this.topic == Frames.TOPIC_CONNECTION || this.topic == Frames.TOPIC_AUTH) ? 4 : 5;
		int errorField = (this.topic == Frames.TOPIC_CONNECTION || this.topic == Frames.TOPIC_AUTH) ? 3 : 4;
		position[0] = start;
		while (position[0] < end) {
			long tag = varint(position, end);
			int field = (int) (tag >>> 3);
			int wireType = (int) (tag & 7);
			if (wireType == 0) {
				long value = varint(position, end);
				if (field == 1) {
					this.action = (int) value;
				}
				else if (field == ackField) {
					this.ack = value != 0;
				}
				else if (field == errorField) {
					this.error = value != 0;
				}
				else if (field == 13 && this.topic == Frames.TOPIC_RECORD) {
					this.version = (int) value;
				}
			}
			else if (wireType == 2) {
				int size = (int) varint(position, end);
				int from = position[0];
				position[0] = from + size;
				if (field == 2) {
					this.dataStart = from;
					this.dataEnd = from + size;
				}
				else if (field == 3 && this.topic != Frames.TOPIC_CONNECTION && this.topic != Frames.TOPIC_AUTH) {
					this.correlationStart = from;
					this.correlationEnd = from + size;
				}
				else if (field == nameField) {
					this.nameStart = from;
					this.nameEnd = from + size;
				}
			}
			else {
				skip(position, end, wireType);
			}
		}
	}

	public int topic() {
		return this.topic;
	}

	public int action() {
		return this.action;
	}

	public boolean isAck() {
		return this.ack;
	}

	public boolean isError() {
		return this.error;
	}

	/** The record version, or {@link Long#MIN_VALUE} if the frame had none. */
	public long version() {
		return this.version;
	}

	public String name() {
		return text(this.nameStart, this.nameEnd);
	}

	public String correlationId() {
		return text(this.correlationStart, this.correlationEnd);
	}

	public String data() {
		return text(this.dataStart, this.dataEnd);
	}

	/** Appends this frame's data as field {@code field} of {@code writer}, without decoding it; false if there is none. */
	public boolean copyData(FrameWriter writer, int field) {
		return copy(writer, field, this.dataStart, this.dataEnd);
	}

	/** Appends this frame's correlation id as field {@code field} of {@code writer}; false if there is none. */
	public boolean copyCorrelationId(FrameWriter writer, int field) {
		return copy(writer, field, this.correlationStart, this.correlationEnd);
	}

	/** Appends this frame's name as field {@code field} of {@code writer}; false if there is none. */
	public boolean copyName(FrameWriter writer, int field) {
		return copy(writer, field, this.nameStart, this.nameEnd);
	}

	private boolean copy(FrameWriter writer, int field, int start, int end) {
		if (start < 0) {
			return false;
		}
		writer.bytes(field, this.bytes, start, end - start);
		return true;
	}

	/** The value of the {@code "t"} key of the data, as written by {@link Frames#timestamped}; -1 if there is none. */
	public long timestamp() {
		if (this.dataStart < 0) {
			return -1;
		}
		int at = indexOfTimestampKey();
		if (at < 0) {
			return -1;
		}
		long value = 0;
		boolean digits = false;
		for (int i = at; i < this.dataEnd; i++) {
			byte b = this.bytes[i];
			if (b >= '0' && b <= '9') {
				value = value * 10 + (b - '0');
				digits = true;
			}
			else if (b != ' ' || digits) {
				break;
			}
		}
		return digits ? value : -1;
	}

	private int indexOfTimestampKey() {
		// "t": is at the start of what the generator sends; servers may re-serialise, so search rather than assume.
		for (int i = this.dataStart; i + 4 <= this.dataEnd; i++) {
			if (this.bytes[i] == '"' && this.bytes[i + 1] == 't' && this.bytes[i + 2] == '"') {
				int j = i + 3;
				while (j < this.dataEnd && this.bytes[j] == ' ') {
					j++;
				}
				if (j < this.dataEnd && this.bytes[j] == ':') {
					return j + 1;
				}
			}
		}
		return -1;
	}

	private String text(int start, int end) {
		return (start < 0) ? null : new String(this.bytes, start, end - start, StandardCharsets.UTF_8);
	}

	private long varint(int[] position, int end) {
		long result = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			if (position[0] >= end) {
				throw new IllegalArgumentException("Truncated varint");
			}
			byte b = this.bytes[position[0]++];
			result |= (long) (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return result;
			}
		}
		throw new IllegalArgumentException("Varint longer than 10 bytes");
	}

	private void skip(int[] position, int end, int wireType) {
		switch (wireType) {
			case 0 -> varint(position, end);
			case 1 -> position[0] += 8;
			case 2 -> {
				int size = (int) varint(position, end);
				position[0] += size;
			}
			case 5 -> position[0] += 4;
			default -> throw new IllegalArgumentException("Unsupported wire type " + wireType);
		}
		if (position[0] > end) {
			throw new IllegalArgumentException("Field runs past the end of the frame");
		}
	}

	@Override
	public String toString() {
		return "Frame[topic=" + this.topic + ", action=" + this.action + ", name=" + name() + ", correlationId="
				+ correlationId() + ", version=" + this.version + ", ack=" + this.ack + ", error=" + this.error
				+ ", data=" + data() + "]";
	}

}
