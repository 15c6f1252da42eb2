package io.sluice.gateway.http.rest;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;

/** The {@code ttl} query parameter of a record write: how long after this write the record expires. */
final class RecordTtl {

	static final String PARAMETER = "ttl";

	static final String DESCRIPTION = "The record expires this long after this write (30s, 15m, 2h, 7d or PT30S); "
			+ "without it, as the name's rule says (sluice.records.ttl), or never. Every write sets it anew";

	private static final Pattern BARE_NUMBER = Pattern.compile("\\d+");

	private RecordTtl() {
	}

	/**
	 * The parameter's duration, or {@code null} when it is absent.
	 * @throws RestProblemException (400) naming the parameter, for a value that is not a positive duration with a unit
	 */
	static Duration parse(String value) {
		if (value == null) {
			return null;
		}
		String trimmed = value.trim();
		Duration ttl = null;
		if (!trimmed.isEmpty() && !BARE_NUMBER.matcher(trimmed).matches()) {
			try {
				ttl = DurationStyle.detectAndParse(trimmed);
			}
			catch (IllegalArgumentException | DateTimeParseException ex) {
				ttl = null;
			}
		}
		if (ttl == null || ttl.isNegative() || ttl.isZero()) {
			throw new RestProblemException(RestProblem.INVALID_REQUEST, "The query parameter ttl must be a positive "
					+ "duration with its unit, such as 30s, 15m, 2h, 7d or PT30S; was '" + value + "'");
		}
		return ttl;
	}

}
