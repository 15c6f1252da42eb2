package io.sluice.gateway.http;

import io.sluice.connector.VersionedRecord;

/**
 * What became of one action taken for an HTTP caller: done, with what it gave, or failed, with why. The failure
 * kinds are deepstream's event names for them, so that each HTTP format can say them as it must.
 */
public sealed interface Outcome {

	/** Done. @param value the record read or written, the version, the RPC's answer (JSON) or the users; or null */
	record Done(Object value) implements Outcome {
	}

	/**
	 * Failed.
	 * @param kind why
	 * @param message a sentence for a person
	 * @param current the record as it is, for {@link Kind#VERSION_EXISTS}; else {@code null}
	 */
	record Failed(Kind kind, String message, VersionedRecord current) implements Outcome {

		Failed(Kind kind, String message) {
			this(kind, message, null);
		}

	}

	/** Why an action failed, by deepstream's names. */
	enum Kind {

		/** The permission rules deny it. */
		MESSAGE_DENIED,
		/** The rule that decides it failed while it ran. */
		MESSAGE_PERMISSION_ERROR,
		/** A record read or head of a record that does not exist. */
		RECORD_NOT_FOUND,
		/** A write at a version the record already has. */
		VERSION_EXISTS,
		/** A write at a version beyond the next one. */
		INVALID_VERSION,
		/** Data that is not what the action needs (not JSON, not an object or array, a bad path). */
		INVALID_MESSAGE_DATA,
		/** A record could not be read (its store or cache failed). */
		RECORD_LOAD_ERROR,
		/** A write or delete could not be made durable. */
		RECORD_UPDATE_ERROR,
		/** Nobody provides the RPC. */
		NO_RPC_PROVIDER,
		/** No provider accepted the RPC in time. */
		ACCEPT_TIMEOUT,
		/** The provider accepted the RPC but did not answer in time. */
		RESPONSE_TIMEOUT,
		/** The provider answered the RPC with an error (its message is the data). */
		REQUEST_ERROR

	}

}
