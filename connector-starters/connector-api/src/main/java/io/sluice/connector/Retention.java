package io.sluice.connector;

import java.time.Duration;

/**
 * How much of a stream's history to keep: at most {@code maxEntries} events, none older than {@code maxAge}.
 *
 * @param maxEntries the most events kept, at least 1
 * @param maxAge the oldest an event may get, or {@code null} for no age limit
 */
public record Retention(int maxEntries, Duration maxAge) {

	public Retention {
		if (maxEntries < 1) {
			throw new IllegalArgumentException("A retention must keep at least one entry, was " + maxEntries);
		}
		if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
			throw new IllegalArgumentException("A retention's maximum age must be positive, was " + maxAge);
		}
	}

	/** Keep the last {@code maxEntries} events, whatever their age. */
	public static Retention entries(int maxEntries) {
		return new Retention(maxEntries, null);
	}

}
