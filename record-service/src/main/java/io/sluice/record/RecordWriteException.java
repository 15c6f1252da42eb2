package io.sluice.record;

/** A write could not be made durable; nothing of it remains. The writer may try again. */
public class RecordWriteException extends RecordException {

	public RecordWriteException(String name, String message, Throwable cause) {
		super(name, message, cause);
	}

}
