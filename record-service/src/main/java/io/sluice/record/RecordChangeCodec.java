package io.sluice.record;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import io.sluice.connector.VersionedRecord;

/**
 * The bytes a {@link RecordChange} travels in between nodes: a small versioned binary layout, so that a change
 * is encoded once per publish and decoded once per receiving node.
 */
final class RecordChangeCodec {

	private static final int FORMAT = 1;

	private static final RecordChange.Kind[] KINDS = RecordChange.Kind.values();

	private RecordChangeCodec() {
	}

	static byte[] encode(RecordChange change) {
		VersionedRecord record = change.record();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + record.data().length);
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeByte(FORMAT);
			out.writeByte(change.kind().ordinal());
			out.writeUTF(record.name());
			out.writeLong(record.version());
			out.writeBoolean(record.deleted());
			out.writeLong((record.expiresAt() != null) ? record.expiresAt().toEpochMilli() : Long.MIN_VALUE);
			writeBytes(out, record.data());
			writeNullableString(out, change.path());
			writeBytes(out, change.value());
			writeNullableString(out, change.origin());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	/**
	 * Decodes a change.
	 * @throws IllegalArgumentException if the bytes are not a change in a format this node reads
	 */
	static RecordChange decode(byte[] payload) {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
			int format = in.readUnsignedByte();
			if (format != FORMAT) {
				throw new IllegalArgumentException("Record change in unknown format " + format);
			}
			int kind = in.readUnsignedByte();
			if (kind >= KINDS.length) {
				throw new IllegalArgumentException("Record change of unknown kind " + kind);
			}
			String name = in.readUTF();
			long version = in.readLong();
			boolean deleted = in.readBoolean();
			long expires = in.readLong();
			byte[] data = readBytes(in);
			String path = readNullableString(in);
			byte[] value = readBytes(in);
			String origin = readNullableString(in);
			VersionedRecord record = new VersionedRecord(name, version, (data != null) ? data : new byte[0], deleted,
					(expires != Long.MIN_VALUE) ? Instant.ofEpochMilli(expires) : null);
			return new RecordChange(KINDS[kind], record, path, value, origin);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("Truncated record change", ex);
		}
	}

	private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
		out.writeInt((bytes != null) ? bytes.length : -1);
		if (bytes != null) {
			out.write(bytes);
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

	private static void writeNullableString(DataOutputStream out, String value) throws IOException {
		out.writeBoolean(value != null);
		if (value != null) {
			out.writeUTF(value);
		}
	}

	private static String readNullableString(DataInputStream in) throws IOException {
		return in.readBoolean() ? in.readUTF() : null;
	}

}
