package io.sluice.record;

/** A write carried data or a path that cannot be applied: not JSON, not an object or array, a bad path. */
public class InvalidRecordDataException extends RecordException {

	public InvalidRecordDataException(String name, String message) {
		super(name, message);
	}

}
