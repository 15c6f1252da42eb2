package io.sluice.gateway.http.rest;

import java.time.Duration;

import io.sluice.gateway.http.RecordTimeToLive;

/** The {@code ttl} query parameter of a record write: how long after this write the record expires. */
final class RecordTtl {

	static final String PARAMETER = "ttl";

	static final String DESCRIPTION = "The record expires this long after this write (30s, 15m, 2h, 7d or PT30S); "
			+ "without it, as the name's rule says (sluice.records.ttl), or never. Every write sets it anew";

	private RecordTtl() {
	}

	/**
	 * The parameter's duration, or {@code null} when it is absent.
	 * @throws RestProblemException (400) naming the parameter, for a value that is not a positive duration with a unit
	 */
	static Duration parse(String value) {
		return parse(value, "The query parameter ttl");
	}

	/**
	 * A {@code ttl} given as {@code what}, or {@code null} when it is absent.
	 * @throws RestProblemException (400) naming {@code what}, for a value that is not a positive duration with a unit
	 */
	static Duration parse(String value, String what) {
		try {
			return RecordTimeToLive.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new RestProblemException(RestProblem.INVALID_REQUEST, what + " " + ex.getMessage());
		}
	}

}
