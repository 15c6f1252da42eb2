package io.sluice.record.feed;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.VersionedRecordCodec;
import io.sluice.record.RecordChange;

/**
 * The bytes a {@link RecordChange} travels in between nodes: a small versioned binary layout, so that a change
 * is encoded once per publish and decoded once per receiving node.
 *
 * <p>A node reads only the format it writes. Changes are not kept anywhere (the bus delivers at most once, to the
 * nodes running then), so no older change waits to be read after an upgrade; while nodes of two releases run side
 * by side, each drops the other's changes with a warning, and their subscribers catch up on the next change or
 * read, as after any lost notice ({@code docs/decisions/record-codec.md}).
 */
final class RecordChangeCodec {

	/** 2 since the record is in {@link VersionedRecordCodec}'s form; 1 is not read (see the class comment). */
	private static final int FORMAT = 2;

	private static final RecordChange.Kind[] KINDS = RecordChange.Kind.values();

	private RecordChangeCodec() {
	}

	/**
	 * Encodes a change into an array of exactly its size, in one pass over each field: the format, the kind, the
	 * record in {@link VersionedRecordCodec}'s form, then the path, the value and the origin (the layout
	 * {@link DataInputStream} reads back: big-endian numbers, strings in modified UTF-8 behind a 2-byte length).
	 * @throws IllegalArgumentException if the path or origin is longer than 65,535 bytes in modified UTF-8
	 */
	static byte[] encode(RecordChange change) {
		VersionedRecord record = change.record();
		String path = change.path();
		String origin = change.origin();
		byte[] value = change.value();
		int size = 2 + VersionedRecordCodec.encodedSize(record) + nullableUtfSize(path) + bytesSize(value)
				+ nullableUtfSize(origin);
		ByteBuffer out = ByteBuffer.wrap(new byte[size]);
		out.put((byte) FORMAT);
		out.put((byte) change.kind().ordinal());
		VersionedRecordCodec.encode(record, out);
		putNullableUtf(out, path);
		putBytes(out, value);
		putNullableUtf(out, origin);
		return out.array();
	}

	private static int bytesSize(byte[] bytes) {
		return 4 + ((bytes != null) ? bytes.length : 0);
	}

	private static int nullableUtfSize(String value) {
		return 1 + ((value != null) ? utfSize(value) : 0);
	}

	/** The length prefix and the modified UTF-8 bytes of {@code value}. */
	private static int utfSize(String value) {
		int length = value.length();
		int bytes = length;
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c >= 0x80 || c == 0) {
				bytes += (c >= 0x800) ? 2 : 1;
			}
		}
		if (bytes > 0xFFFF) {
			throw new IllegalArgumentException("A record change's string is " + bytes
					+ " bytes in modified UTF-8; at most 65535 fit (path or origin too long)");
		}
		return 2 + bytes;
	}

	private static void putUtf(ByteBuffer out, String value) {
		int lengthAt = out.position();
		out.putShort((short) 0);
		int length = value.length();
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c >= 1 && c < 0x80) {
				out.put((byte) c);
			}
			else if (c < 0x800) {
				out.put((byte) (0xC0 | ((c >> 6) & 0x1F)));
				out.put((byte) (0x80 | (c & 0x3F)));
			}
			else {
				out.put((byte) (0xE0 | ((c >> 12) & 0x0F)));
				out.put((byte) (0x80 | ((c >> 6) & 0x3F)));
				out.put((byte) (0x80 | (c & 0x3F)));
			}
		}
		out.putShort(lengthAt, (short) (out.position() - lengthAt - 2));
	}

	private static void putNullableUtf(ByteBuffer out, String value) {
		out.put((byte) ((value != null) ? 1 : 0));
		if (value != null) {
			putUtf(out, value);
		}
	}

	private static void putBytes(ByteBuffer out, byte[] bytes) {
		out.putInt((bytes != null) ? bytes.length : -1);
		if (bytes != null) {
			out.put(bytes);
		}
	}

	/**
	 * Decodes a change.
	 * @throws IllegalArgumentException if the bytes are not a change in a format this node reads
	 */
	static RecordChange decode(byte[] payload) {
		if (payload == null || payload.length < 2) {
			throw new IllegalArgumentException("Truncated record change: " + ((payload == null) ? "no" : payload.length)
					+ " bytes");
		}
		int format = payload[0] & 0xFF;
		if (format != FORMAT) {
			throw new IllegalArgumentException("Record change in unknown format " + format);
		}
		int kind = payload[1] & 0xFF;
		if (kind >= KINDS.length) {
			throw new IllegalArgumentException("Record change of unknown kind " + kind);
		}
		ByteBuffer buffer = ByteBuffer.wrap(payload, 2, payload.length - 2);
		VersionedRecord record = VersionedRecordCodec.decode(buffer);
		try (DataInputStream in = new DataInputStream(
				new ByteArrayInputStream(payload, buffer.position(), buffer.remaining()))) {
			String path = readNullableString(in);
			byte[] value = readBytes(in);
			String origin = readNullableString(in);
			return new RecordChange(KINDS[kind], record, path, value, origin);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("Truncated record change", ex);
		}
	}

	private static byte[] readBytes(DataInputStream in) throws IOException {
		int length = in.readInt();
		if (length < 0) {
			return null;
		}
		if (length > in.available()) {
			throw new IOException("Length " + length + " runs past the end");
		}
		return in.readNBytes(length);
	}

	private static String readNullableString(DataInputStream in) throws IOException {
		return in.readBoolean() ? in.readUTF() : null;
	}

}
