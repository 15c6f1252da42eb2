package io.sluice.gateway.history;

/** A history read that cannot be answered: why, and a sentence for a person. */
public final class HistoryException extends RuntimeException {

	/** Why a read was not answered. */
	public enum Kind {

		/** The query is not one of the shapes a read takes. */
		INVALID,
		/** The reader may not subscribe to the name, so may not read its history. */
		DENIED,
		/** The permission rule that decides it failed while it ran. */
		PERMISSION_ERROR,
		/** The history could not be read. */
		UNAVAILABLE

	}

	private final Kind kind;

	HistoryException(Kind kind, String message) {
		super(message);
		this.kind = kind;
	}

	static HistoryException invalid(String message) {
		return new HistoryException(Kind.INVALID, message);
	}

	public Kind kind() {
		return this.kind;
	}

}
