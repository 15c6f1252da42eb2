package io.sluice.connector;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * A history entry on its way to the {@link StreamArchive} through the {@link StorageQueue}, which carries
 * {@link VersionedRecord}s: the one place that says how an entry and its stream's retention are written as a queued
 * write and read back.
 *
 * <p>The write's name is {@link #PREFIX} (a NUL, {@code history}, a NUL) followed by the stream's name (so that a
 * stream's entries share a partition and {@link StorageQueue#drainedRecord} waits for exactly them), its version the
 * entry's offset, and its data, in format {@value #FORMAT}: the format byte, the epoch (a 2-byte length and UTF-8), the time (8-byte epoch
 * seconds, 4-byte nanoseconds), the retention (4-byte most entries, 8-byte oldest age in milliseconds or -1 for
 * none), then the payload, all big-endian.
 *
 * @param entry the entry as appended
 * @param retention its stream's retention, applied when the archive stores it
 */
public record QueuedHistoryEntry(HistoryEntry entry, Retention retention) {

	/** The format written, the first byte of the data. */
	public static final byte FORMAT = 1;

	/** What the queued write's name starts with: NUL bytes, which no record name of a client carries in practice. */
	public static final String PREFIX = "\u0000history\u0000";

	private static final int FIXED = 1 + 2 + 8 + 4 + 4 + 8;

	/** The queued write's name for {@code stream}. */
	public static String queueName(String stream) {
		return PREFIX + stream;
	}

	/** Whether {@code write} is a queued history entry rather than a record's write. */
	public static boolean isHistory(VersionedRecord write) {
		return write.name().startsWith(PREFIX) && !write.deleted() && write.data().length >= FIXED
				&& write.data()[0] == FORMAT;
	}

	/** The entry as a write for the queue. */
	public VersionedRecord toWrite() {
		byte[] epoch = this.entry.epoch().getBytes(StandardCharsets.UTF_8);
		byte[] payload = this.entry.payload();
		ByteBuffer out = ByteBuffer.allocate(FIXED + epoch.length + payload.length);
		out.put(FORMAT).putShort((short) epoch.length).put(epoch);
		out.putLong(this.entry.timestamp().getEpochSecond()).putInt(this.entry.timestamp().getNano());
		Duration maxAge = this.retention.maxAge();
		out.putInt(this.retention.maxEntries()).putLong((maxAge != null) ? maxAge.toMillis() : -1);
		out.put(payload);
		return VersionedRecord.of(queueName(this.entry.stream()), this.entry.offset(), out.array());
	}

	/**
	 * The entry a queued write carries.
	 * @throws IllegalArgumentException if {@code write} is not one ({@link #isHistory}) or its data is cut short
	 */
	public static QueuedHistoryEntry fromWrite(VersionedRecord write) {
		if (!isHistory(write)) {
			throw new IllegalArgumentException("Write '" + write.name() + "' is not a queued history entry");
		}
		try {
			ByteBuffer in = ByteBuffer.wrap(write.data());
			in.get();
			byte[] epoch = new byte[Short.toUnsignedInt(in.getShort())];
			in.get(epoch);
			Instant time = Instant.ofEpochSecond(in.getLong(), in.getInt());
			int maxEntries = in.getInt();
			long maxAge = in.getLong();
			byte[] payload = Arrays.copyOfRange(write.data(), in.position(), write.data().length);
			HistoryEntry entry = new HistoryEntry(write.name().substring(PREFIX.length()), write.version(),
					new String(epoch, StandardCharsets.UTF_8), time, payload);
			return new QueuedHistoryEntry(entry,
					new Retention(maxEntries, (maxAge >= 0) ? Duration.ofMillis(Math.max(1, maxAge)) : null));
		}
		catch (BufferUnderflowException | IllegalArgumentException ex) {
			throw new IllegalArgumentException("Queued history entry '" + write.name() + "' is cut short or damaged",
					ex);
		}
	}

}
