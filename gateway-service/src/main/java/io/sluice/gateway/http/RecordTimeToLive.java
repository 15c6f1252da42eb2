package io.sluice.gateway.http;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;

/**
 * A record write's time to live as the HTTP APIs take it: a positive duration with its unit ({@code 30s}, {@code 15m},
 * {@code 2h}, {@code 7d}) or in ISO-8601 ({@code PT30S}). A bare number is refused: its unit would be a guess.
 */
public final class RecordTimeToLive {

	/** What a good value looks like, for the reasons given when one is not. */
	public static final String FORMAT = "a positive duration with its unit, such as 30s, 15m, 2h, 7d or PT30S";

	private static final Pattern BARE_NUMBER = Pattern.compile("\\d+");

	private RecordTimeToLive() {
	}

	/**
	 * The duration, or {@code null} when {@code value} is {@code null}.
	 * @throws IllegalArgumentException for a value that is not {@link #FORMAT}, saying so
	 */
	public static Duration parse(String value) {
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
			throw new IllegalArgumentException("must be " + FORMAT + "; was '" + value + "'");
		}
		return ttl;
	}

}
