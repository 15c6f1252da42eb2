package io.sluice.record;

/** A write named a version more than one above the current one. */
public class InvalidVersionException extends RecordException {

	private final long currentVersion;

	public InvalidVersionException(String name, long attempted, long currentVersion) {
		super(name, "Version " + attempted + " of record '" + name + "' is invalid; the current version is "
				+ currentVersion + ", so the next write must be version " + (currentVersion + 1));
		this.currentVersion = currentVersion;
	}

	public long currentVersion() {
		return this.currentVersion;
	}

}
