package io.sluice.connector;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One version of a record: its name, an integer version, its data as UTF-8 JSON, and whether it is a
 * tombstone. A record created empty by opening it (as deepstream creates one) is at version 0; every write adds
 * one. A cache that does not hold a record reports it as version 0 too, which is why a writer reads the record
 * (from the store, on a miss) before its compare-and-set. A tombstone keeps the version of the delete, at least 1,
 * so that no older write can bring the record back.
 *
 * @param name the record's name, never empty
 * @param version the version: 0 for a record created empty and never written, else at least 1
 * @param data UTF-8 JSON (an object or an array); empty for a tombstone. Not copied: callers must not
 *     change the array after handing it over
 * @param deleted whether this version is a tombstone
 * @param expiresAt when the record expires, or {@code null} for never
 */
public record VersionedRecord(String name, long version, byte[] data, boolean deleted, Instant expiresAt) {

	private static final byte[] NO_DATA = new byte[0];

	public VersionedRecord {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(data, "data");
		if (name.isEmpty()) {
			throw new IllegalArgumentException("A record name must not be empty");
		}
		if (version < 0 || (deleted && version < 1)) {
			throw new IllegalArgumentException("A stored version must be at least " + (deleted ? 1 : 0) + " for "
					+ (deleted ? "a tombstone" : "a live record") + ", was " + version);
		}
	}

	/** A live record that never expires. */
	public static VersionedRecord of(String name, long version, byte[] data) {
		return new VersionedRecord(name, version, data, false, null);
	}

	/** A live record that never expires, from JSON text. */
	public static VersionedRecord of(String name, long version, String json) {
		return of(name, version, json.getBytes(StandardCharsets.UTF_8));
	}

	/** The tombstone left by deleting a record at {@code version}. */
	public static VersionedRecord tombstone(String name, long version) {
		return new VersionedRecord(name, version, NO_DATA, true, null);
	}

	/** Whether the record has expired at {@code now}. */
	public boolean isExpiredAt(Instant now) {
		return this.expiresAt != null && !this.expiresAt.isAfter(now);
	}

	/** Whether this record is newer than {@code other}, which may be {@code null} (never written). */
	public boolean isNewerThan(VersionedRecord other) {
		return other == null || this.version > other.version;
	}

	/** The data as JSON text. */
	public String json() {
		return new String(this.data, StandardCharsets.UTF_8);
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof VersionedRecord that && this.version == that.version
				&& this.deleted == that.deleted && this.name.equals(that.name) && Arrays.equals(this.data, that.data)
				&& Objects.equals(this.expiresAt, that.expiresAt));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.name, this.version, this.deleted, Arrays.hashCode(this.data), this.expiresAt);
	}

	@Override
	public String toString() {
		return "VersionedRecord[" + this.name + " v" + this.version + (this.deleted ? " deleted" : "")
				+ (this.expiresAt != null ? " expires " + this.expiresAt : "") + ", " + this.data.length + " bytes]";
	}

}
