package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf wire format from a byte range. Every malformation ends in a {@link ProtocolException} that says
 * what was wrong; nothing else escapes.
 */
final class ProtoReader {

	static final int VARINT = 0;

	static final int FIXED64 = 1;

	static final int LENGTH_DELIMITED = 2;

	static final int FIXED32 = 5;

	private final byte[] buffer;

	private final int limit;

	private int position;

	ProtoReader(byte[] buffer, int offset, int limit) {
		this.buffer = buffer;
		this.position = offset;
		this.limit = limit;
	}

	boolean hasMore() {
		return this.position < this.limit;
	}

	int position() {
		return this.position;
	}

	/** Moves to {@code end}, the end of bytes {@link #readLength} has checked. */
	void skipTo(int end) {
		this.position = end;
	}

	long readVarint(String what) {
		long value = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			if (this.position >= this.limit) {
				throw new ProtocolException("Truncated message: " + what + " ends inside a varint");
			}
			byte b = this.buffer[this.position++];
			value |= (long) (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return value;
			}
		}
		throw new ProtocolException("Malformed varint in " + what + ": longer than 10 bytes");
	}

	/** Reads a length prefix and returns the end of the bytes it announces, which must lie within this range. */
	int readLength(String what) {
		long length = readVarint(what);
		if (length < 0 || length > this.limit - this.position) {
			throw new ProtocolException("Truncated message: " + what + " announces " + length + " bytes but "
					+ (this.limit - this.position) + " remain");
		}
		return this.position + (int) length;
	}

	byte[] readBytes(String what) {
		int end = readLength(what);
		byte[] bytes = new byte[end - this.position];
		System.arraycopy(this.buffer, this.position, bytes, 0, bytes.length);
		this.position = end;
		return bytes;
	}

	String readString(String what) {
		int end = readLength(what);
		String text = new String(this.buffer, this.position, end - this.position, StandardCharsets.UTF_8);
		this.position = end;
		return text;
	}

	void skip(int wireType, int fieldNumber) {
		String what = "field " + fieldNumber;
		switch (wireType) {
			case VARINT:
				readVarint(what);
				break;
			case FIXED64:
				skipBytes(8, what);
				break;
			case LENGTH_DELIMITED:
				this.position = readLength(what);
				break;
			case FIXED32:
				skipBytes(4, what);
				break;
			default:
				throw new ProtocolException("Bad wire type " + wireType + " for field " + fieldNumber);
		}
	}

	private void skipBytes(int count, String what) {
		if (count > this.limit - this.position) {
			throw new ProtocolException("Truncated message: " + what + " needs " + count + " bytes");
		}
		this.position += count;
	}

}
