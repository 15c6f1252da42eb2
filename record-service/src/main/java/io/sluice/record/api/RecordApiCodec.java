package io.sluice.record.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.VersionedRecordCodec;
import io.sluice.record.InvalidRecordDataException;
import io.sluice.record.InvalidVersionException;
import io.sluice.record.RecordException;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.RecordUnavailableException;
import io.sluice.record.RecordWriteException;
import io.sluice.record.VersionExistsException;

/**
 * The bytes of the internal records API: calls, batches of calls, and their replies, in a small versioned binary
 * layout. A failure travels as its kind and what its exception carries (the current record of a
 * {@link VersionExistsException}, the current version of an {@link InvalidVersionException}, the message of the
 * others), and is rebuilt on the other side as the same exception with the same message, so a caller cannot tell
 * a remote record service from one in its own JVM.
 *
 * <p>Decoding fails with an {@link IllegalArgumentException} that names what is wrong with the bytes.
 *
 * <p>A record in a reply is in {@link VersionedRecordCodec}'s form, behind its length. Calls and replies are not
 * kept anywhere, so a service reads only the format it writes: gateways and record services are upgraded together
 * ({@code docs/decisions/record-codec.md}).
 */
public final class RecordApiCodec {

	/**
	 * 3 since a call carries a time to live; 2 (records in {@link VersionedRecordCodec}'s form) and 1 are not read
	 * (see the class comment).
	 */
	private static final int FORMAT = 3;

	/** The time to live of a call that has none. */
	private static final long NO_TTL = -1;

	/** The most calls one batch may hold. */
	public static final int MAX_BATCH = 10_000;

	private static final RecordCall.Op[] OPS = RecordCall.Op.values();

	private static final RecordReply.Kind[] KINDS = RecordReply.Kind.values();

	private static final ErrorKind[] ERRORS = ErrorKind.values();

	private RecordApiCodec() {
	}

	public static byte[] encodeCall(RecordCall call) {
		return write(64 + length(call.data()), (out) -> writeCall(out, call));
	}

	public static RecordCall decodeCall(byte[] bytes) {
		return read(bytes, "call", RecordApiCodec::readCall);
	}

	public static byte[] encodeBatch(List<RecordCall> calls) {
		checkBatchSize(calls.size());
		return write(64 * calls.size(), (out) -> {
			out.writeInt(calls.size());
			for (RecordCall call : calls) {
				writeCall(out, call);
			}
		});
	}

	public static List<RecordCall> decodeBatch(byte[] bytes) {
		return read(bytes, "batch", (in) -> {
			int count = in.readInt();
			checkBatchSize(count);
			List<RecordCall> calls = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				calls.add(readCall(in));
			}
			return calls;
		});
	}

	/** Encodes a reply to {@code call}; the call supplies the version a failed write attempted. */
	public static byte[] encodeReply(RecordCall call, RecordReply reply) {
		return write(64 + ((reply.record() != null) ? reply.record().data().length : 0),
				(out) -> writeReply(out, call, reply));
	}

	public static RecordReply decodeReply(byte[] bytes) {
		return read(bytes, "reply", RecordApiCodec::readReply);
	}

	/** Encodes the replies to a batch, one per call and in the calls' order. */
	public static byte[] encodeReplies(List<RecordCall> calls, List<RecordReply> replies) {
		if (calls.size() != replies.size()) {
			throw new IllegalArgumentException(replies.size() + " replies to a batch of " + calls.size() + " calls");
		}
		return write(64 * calls.size(), (out) -> {
			out.writeInt(replies.size());
			for (int i = 0; i < replies.size(); i++) {
				writeReply(out, calls.get(i), replies.get(i));
			}
		});
	}

	public static List<RecordReply> decodeReplies(byte[] bytes) {
		return read(bytes, "batch reply", (in) -> {
			int count = in.readInt();
			checkBatchSize(count);
			List<RecordReply> replies = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				replies.add(readReply(in));
			}
			return replies;
		});
	}

	private static void writeCall(DataOutputStream out, RecordCall call) throws IOException {
		out.writeByte(call.op().ordinal());
		writeString(out, call.name());
		out.writeLong(call.version());
		writeString(out, call.path());
		writeBytes(out, call.data());
		writeString(out, call.origin());
		if (call.ttl() == null) {
			out.writeLong(NO_TTL);
		}
		else {
			out.writeLong(call.ttl().getSeconds());
			out.writeInt(call.ttl().getNano());
		}
	}

	private static RecordCall readCall(DataInputStream in) throws IOException {
		int op = in.readUnsignedByte();
		if (op >= OPS.length) {
			throw new IllegalArgumentException("Unknown record operation " + op);
		}
		return new RecordCall(OPS[op], readString(in), in.readLong(), readString(in), readBytes(in), readString(in),
				readTtl(in));
	}

	private static Duration readTtl(DataInputStream in) throws IOException {
		long seconds = in.readLong();
		if (seconds == NO_TTL) {
			return null;
		}
		int nanos = in.readInt();
		if (seconds < 0 || nanos < 0 || nanos > 999_999_999) {
			throw new IllegalArgumentException("Bad time to live: " + seconds + " s and " + nanos + " ns");
		}
		return Duration.ofSeconds(seconds, nanos);
	}

	private static void writeReply(DataOutputStream out, RecordCall call, RecordReply reply) throws IOException {
		out.writeByte(reply.kind().ordinal());
		switch (reply.kind()) {
			case RECORD -> writeRecord(out, reply.record());
			case VERSION -> out.writeLong(reply.version());
			case FLAG -> out.writeBoolean(reply.flag());
			case ERROR -> writeError(out, call, reply.error());
			case NONE -> {
			}
		}
	}

	private static RecordReply readReply(DataInputStream in) throws IOException {
		int kind = in.readUnsignedByte();
		if (kind >= KINDS.length) {
			throw new IllegalArgumentException("Unknown reply kind " + kind);
		}
		return switch (KINDS[kind]) {
			case RECORD -> RecordReply.of(readRecord(in));
			case VERSION -> RecordReply.ofVersion(in.readLong());
			case FLAG -> RecordReply.of(in.readBoolean());
			case ERROR -> RecordReply.failed(readError(in));
			case NONE -> RecordReply.none();
		};
	}

	private static void writeError(DataOutputStream out, RecordCall call, RecordException error) throws IOException {
		ErrorKind kind = ErrorKind.of(error);
		out.writeByte(kind.ordinal());
		writeString(out, error.recordName());
		switch (kind) {
			case VERSION_EXISTS -> {
				out.writeLong(call.version());
				writeRecord(out, ((VersionExistsException) error).current());
			}
			case INVALID_VERSION -> {
				out.writeLong(call.version());
				out.writeLong(((InvalidVersionException) error).currentVersion());
			}
			case NOT_FOUND -> {
			}
			default -> writeString(out, String.valueOf(error.getMessage()));
		}
	}

	private static RecordException readError(DataInputStream in) throws IOException {
		int kind = in.readUnsignedByte();
		if (kind >= ERRORS.length) {
			throw new IllegalArgumentException("Unknown error kind " + kind);
		}
		String name = readString(in);
		return switch (ERRORS[kind]) {
			case VERSION_EXISTS -> new VersionExistsException(name, in.readLong(), readRecord(in));
			case INVALID_VERSION -> new InvalidVersionException(name, in.readLong(), in.readLong());
			case NOT_FOUND -> new RecordNotFoundException(name);
			case INVALID_DATA -> new InvalidRecordDataException(name, readString(in));
			case WRITE -> new RecordWriteException(name, readString(in), null);
			case UNAVAILABLE -> new RecordUnavailableException(name, readString(in));
		};
	}

	private static void writeRecord(DataOutputStream out, VersionedRecord record) throws IOException {
		writeBytes(out, VersionedRecordCodec.encode(record));
	}

	private static VersionedRecord readRecord(DataInputStream in) throws IOException {
		byte[] bytes = readBytes(in);
		if (bytes == null) {
			throw new IllegalArgumentException("A record is missing");
		}
		return VersionedRecordCodec.decode(bytes);
	}

	private static void writeString(DataOutputStream out, String value) throws IOException {
		writeBytes(out, (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null);
	}

	private static String readString(DataInputStream in) throws IOException {
		byte[] bytes = readBytes(in);
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

	private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
		out.writeInt((bytes != null) ? bytes.length : -1);
		if (bytes != null) {
			out.write(bytes);
		}
	}

	private static byte[] readBytes(DataInputStream in) throws IOException {
		int length = in.readInt();
		if (length < -1) {
			throw new IllegalArgumentException("Negative length " + length);
		}
		if (length == -1) {
			return null;
		}
		if (length > in.available()) {
			throw new IllegalArgumentException("Length " + length + " runs past the end");
		}
		return in.readNBytes(length);
	}

	private static int length(byte[] bytes) {
		return (bytes != null) ? bytes.length : 0;
	}

	private static void checkBatchSize(int count) {
		if (count < 0 || count > MAX_BATCH) {
			throw new IllegalArgumentException("A batch holds from 0 to " + MAX_BATCH + " calls, this one " + count);
		}
	}

	private static byte[] write(int sizeHint, Writer writer) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint);
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeByte(FORMAT);
			writer.write(out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	private static <T> T read(byte[] bytes, String what, Reader<T> reader) {
		if (bytes == null || bytes.length == 0) {
			throw new IllegalArgumentException("Empty record " + what);
		}
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
			int format = in.readUnsignedByte();
			if (format != FORMAT) {
				throw new IllegalArgumentException("Record " + what + " in unknown format " + format);
			}
			T value = reader.read(in);
			if (in.available() > 0) {
				throw new IllegalArgumentException(in.available() + " bytes left over after a record " + what);
			}
			return value;
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("Truncated record " + what, ex);
		}
		catch (IllegalArgumentException ex) {
			if (ex.getMessage() != null && ex.getMessage().startsWith("Record " + what)) {
				throw ex;
			}
			throw new IllegalArgumentException("Bad record " + what + ": " + ex.getMessage(), ex);
		}
	}

	@FunctionalInterface
	private interface Writer {

		void write(DataOutputStream out) throws IOException;

	}

	@FunctionalInterface
	private interface Reader<T> {

		T read(DataInputStream in) throws IOException;

	}

	/** The failures a reply carries, in wire order: never reorder, only append. */
	private enum ErrorKind {

		VERSION_EXISTS, INVALID_VERSION, NOT_FOUND, INVALID_DATA, WRITE, UNAVAILABLE;

		static ErrorKind of(RecordException error) {
			if (error instanceof VersionExistsException) {
				return VERSION_EXISTS;
			}
			if (error instanceof InvalidVersionException) {
				return INVALID_VERSION;
			}
			if (error instanceof RecordNotFoundException) {
				return NOT_FOUND;
			}
			if (error instanceof InvalidRecordDataException) {
				return INVALID_DATA;
			}
			if (error instanceof RecordWriteException) {
				return WRITE;
			}
			return UNAVAILABLE;
		}

	}

}
