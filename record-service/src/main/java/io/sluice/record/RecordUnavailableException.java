package io.sluice.record;

/** A record cannot be served right now: a connector it depends on is not ready. Trying later may succeed. */
public class RecordUnavailableException extends RecordException {

	public RecordUnavailableException(String name, String message) {
		super(name, message);
	}

}
