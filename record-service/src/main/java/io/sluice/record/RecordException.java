package io.sluice.record;

/** Why an operation on one record failed; the subclasses say which rule it broke. */
public abstract class RecordException extends RuntimeException {

	private final String recordName;

	protected RecordException(String recordName, String message) {
		this(recordName, message, null);
	}

	protected RecordException(String recordName, String message, Throwable cause) {
		super(message, cause);
		this.recordName = recordName;
	}

	/** The record the operation was on. */
	public String recordName() {
		return this.recordName;
	}

}
