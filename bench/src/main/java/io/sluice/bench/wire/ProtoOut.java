package io.sluice.bench.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable protobuf writer for one message body. Fields are written in the order they are called; callers call
 * them in field-number order, as protobuf.js does.
 */
final class ProtoOut {

	private byte[] buffer = new byte[64];

	private int size;

	ProtoOut int32(int field, long value) {
		tag(field, 0);
		varint(value);
		return this;
	}

	ProtoOut bool(int field, boolean value) {
		tag(field, 0);
		varint(value ? 1 : 0);
		return this;
	}

	ProtoOut string(int field, String value) {
		return bytes(field, value.getBytes(StandardCharsets.UTF_8));
	}

	ProtoOut bytes(int field, byte[] value) {
		tag(field, 2);
		varint(value.length);
		ensure(value.length);
		System.arraycopy(value, 0, this.buffer, this.size, value.length);
		this.size += value.length;
		return this;
	}

	byte[] toByteArray() {
		return Arrays.copyOf(this.buffer, this.size);
	}

	private void tag(int field, int wireType) {
		varint(((long) field << 3) | wireType);
	}

	private void varint(long value) {
		ensure(10);
		// int32 fields are sign-extended to 64 bits on the wire, as protobuf does.
		long remaining = value;
		while ((remaining & ~0x7FL) != 0) {
			this.buffer[this.size++] = (byte) ((remaining & 0x7F) | 0x80);
			remaining >>>= 7;
		}
		this.buffer[this.size++] = (byte) remaining;
	}

	private void ensure(int extra) {
		if (this.size + extra > this.buffer.length) {
			this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.size + extra));
		}
	}

	static int varintSize(long value) {
		int n = 1;
		long remaining = value;
		while ((remaining & ~0x7FL) != 0) {
			n++;
			remaining >>>= 7;
		}
		return n;
	}

}
