package io.sluice.record;

import io.sluice.connector.VersionedRecord;

/** A write named a version that already exists: the writer was behind. Carries what is current. */
public class VersionExistsException extends RecordException {

	private final VersionedRecord current;

	public VersionExistsException(String name, long attempted, VersionedRecord current) {
		super(name, "Version " + attempted + " of record '" + name + "' already exists; the current version is "
				+ current.version());
		this.current = current;
	}

	/** The record as it is now. */
	public VersionedRecord current() {
		return this.current;
	}

}
