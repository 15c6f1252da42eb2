package io.sluice.gateway.history;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.sluice.connector.Retention;

/**
 * Which events keep history, and how much of it a read may return; checked when bound, so that a bad value stops
 * start-up with a message naming the property.
 *
 * @param streams the name patterns whose events are kept, each with its retention; the first that matches a name
 *     decides; none by default, so no event keeps history unless asked
 * @param maxRead the most entries one read (the {@code sluice/history} RPC, REST, recovery) returns; a read that
 *     would return more is cut there and says it is not complete
 */
@ConfigurationProperties("sluice.history")
public record HistoryProperties(@DefaultValue List<Stream> streams, @DefaultValue("1000") int maxRead) {

	public HistoryProperties {
		streams = (streams != null) ? List.copyOf(streams) : List.of();
		for (int i = 0; i < streams.size(); i++) {
			streams.get(i).check("sluice.history.streams[" + i + "]");
		}
		if (maxRead < 1) {
			throw new IllegalArgumentException("sluice.history.max-read must be at least 1, was " + maxRead);
		}
	}

	/** No stream keeps history. */
	public static HistoryProperties none() {
		return new HistoryProperties(List.of(), 1000);
	}

	/**
	 * The events of the names that match {@code pattern} (a regular expression matching the whole name, such as
	 * {@code chat/.*}) are kept, at most {@code maxEntries} of them per name and none older than {@code maxAge}.
	 *
	 * @param pattern a regular expression that a name must match as a whole
	 * @param maxEntries the most events kept per name
	 * @param maxAge the oldest an event kept may get; none by default (only {@code maxEntries} limits it)
	 * @param store whether the events are also kept in the store (through the storage queue), so that they outlive
	 *     the hot history; {@code false} keeps them in the hot history only (memory or Redis), which makes publishing
	 *     faster, and a stream whose hot history is lost starts again under a new epoch
	 */
	public record Stream(String pattern, @DefaultValue("1000") int maxEntries, Duration maxAge,
			@DefaultValue("true") boolean store) {

		/** The pattern, compiled; the caller has {@linkplain #check checked} it. */
		Pattern compiled() {
			return Pattern.compile(this.pattern);
		}

		/** The retention of the names it matches. */
		Retention retention() {
			return new Retention(this.maxEntries, this.maxAge);
		}

		/** Stops start-up on a bad value, naming it under {@code property}. */
		void check(String property) {
			if (this.pattern == null || this.pattern.isEmpty()) {
				throw new IllegalArgumentException(property + ".pattern is required (a regular expression such as "
						+ "chat/.* that the names to keep history of match as a whole)");
			}
			try {
				Pattern.compile(this.pattern);
			}
			catch (PatternSyntaxException ex) {
				throw new IllegalArgumentException(property + ".pattern is not a regular expression: "
						+ ex.getDescription() + " in '" + this.pattern + "'");
			}
			if (this.maxEntries < 1) {
				throw new IllegalArgumentException(property + ".max-entries must be at least 1, was "
						+ this.maxEntries);
			}
			if (this.maxAge != null && (this.maxAge.isNegative() || this.maxAge.isZero())) {
				throw new IllegalArgumentException(property + ".max-age must be positive, was " + this.maxAge);
			}
		}

	}

}
