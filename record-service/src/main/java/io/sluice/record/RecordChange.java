package io.sluice.record;

import java.util.Objects;

import io.sluice.connector.VersionedRecord;

/**
 * A durable change to a record, as subscribers are told of it.
 *
 * @param kind what the writer did
 * @param record the record after the change (a tombstone after {@link Kind#DELETE})
 * @param path the path patched or erased, or {@code null} for a whole-record change
 * @param value the JSON value set at {@code path} by a patch, or {@code null}
 * @param origin the writer's opaque id as given to the write, or {@code null}
 */
public record RecordChange(Kind kind, VersionedRecord record, String path, byte[] value, String origin) {

	public RecordChange {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(record, "record");
	}

	public String name() {
		return this.record.name();
	}

	public long version() {
		return this.record.version();
	}

	/** What a writer did to a record. */
	public enum Kind {

		/** The whole data was replaced. */
		SET,

		/** One path was set. */
		PATCH,

		/** One path was removed. */
		ERASE,

		/** The record was deleted. */
		DELETE,

		/**
		 * The record was created empty by opening it. Made durable like any change but never announced: see
		 * {@link RecordService#create}.
		 */
		CREATE

	}

}
