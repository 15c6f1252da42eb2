package io.sluice.record;

/** The operation needs a live record and there is none. */
public class RecordNotFoundException extends RecordException {

	public RecordNotFoundException(String name) {
		super(name, "Record '" + name + "' does not exist");
	}

}
