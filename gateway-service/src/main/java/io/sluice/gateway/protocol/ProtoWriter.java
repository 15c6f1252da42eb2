package io.sluice.gateway.protocol;

/** Writes protobuf wire format into an array sized beforehand, so that an encoded message is one allocation. */
final class ProtoWriter {

	private final byte[] buffer;

	private int position;

	ProtoWriter(int size) {
		this.buffer = new byte[size];
	}

	static int varintSize(long value) {
		int size = 1;
		while ((value & ~0x7FL) != 0) {
			value >>>= 7;
			size++;
		}
		return size;
	}

	static int tagSize(int fieldNumber) {
		return varintSize((long) fieldNumber << 3);
	}

	/** The size of a length-delimited field holding {@code length} bytes. */
	static int delimitedSize(int fieldNumber, int length) {
		return tagSize(fieldNumber) + varintSize(length) + length;
	}

	void varint(long value) {
		while ((value & ~0x7FL) != 0) {
			this.buffer[this.position++] = (byte) ((value & 0x7F) | 0x80);
			value >>>= 7;
		}
		this.buffer[this.position++] = (byte) value;
	}

	void tag(int fieldNumber, int wireType) {
		varint(((long) fieldNumber << 3) | wireType);
	}

	void bytes(int fieldNumber, byte[] bytes) {
		tag(fieldNumber, ProtoReader.LENGTH_DELIMITED);
		varint(bytes.length);
		System.arraycopy(bytes, 0, this.buffer, this.position, bytes.length);
		this.position += bytes.length;
	}

	byte[] finish() {
		if (this.position != this.buffer.length) {
			throw new IllegalStateException("Encoded " + this.position + " bytes, sized for " + this.buffer.length);
		}
		return this.buffer;
	}

}
