package io.sluice.connector;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One event in a stream's history.
 *
 * @param stream the stream's name
 * @param offset its offset in the stream, from 1
 * @param epoch the stream's epoch when it was appended
 * @param timestamp when it was appended
 * @param payload the event, as appended
 */
public record HistoryEntry(String stream, long offset, String epoch, Instant timestamp, byte[] payload) {

	public HistoryEntry {
		Objects.requireNonNull(stream, "stream");
		Objects.requireNonNull(epoch, "epoch");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(payload, "payload");
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof HistoryEntry that && this.offset == that.offset
				&& this.stream.equals(that.stream) && this.epoch.equals(that.epoch)
				&& this.timestamp.equals(that.timestamp) && Arrays.equals(this.payload, that.payload));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.stream, this.offset, this.epoch, this.timestamp, Arrays.hashCode(this.payload));
	}

	@Override
	public String toString() {
		return "HistoryEntry[" + this.stream + "@" + this.epoch + ":" + this.offset + ", " + this.payload.length
				+ " bytes]";
	}

}
