package io.sluice.gateway.listen;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How listeners are offered names, with deepstream's {@code listen} settings and defaults; checked when bound, so
 * that a bad value stops start-up with a message naming it.
 *
 * @param responseTimeout how long a listener has to accept or reject a name before the next one is asked
 * @param shuffleListeners whether the listeners of a name are asked in random order (spreading the load) rather than
 *     in the order they started listening
 * @param rematchInterval how long after every listener declined a name that still has subscribers they are asked
 *     again
 * @param matchCooldown how long a listener that rejected a name is not asked for it again (while the name keeps its
 *     subscribers), so that a provider going away does not bounce the name straight back to a listener that just
 *     said no; it holds for that connection's listen on that pattern only, not for the user's other connections or
 *     for a new listen
 */
@ConfigurationProperties("sluice.listen")
public record ListenProperties(@DefaultValue("500ms") Duration responseTimeout,
		@DefaultValue("true") boolean shuffleListeners, @DefaultValue("30s") Duration rematchInterval,
		@DefaultValue("10s") Duration matchCooldown) {

	public ListenProperties {
		if (responseTimeout == null || responseTimeout.isNegative() || responseTimeout.isZero()) {
			throw new IllegalArgumentException(
					"sluice.listen.response-timeout must be positive, was " + responseTimeout);
		}
		if (rematchInterval == null || rematchInterval.isNegative() || rematchInterval.isZero()) {
			throw new IllegalArgumentException(
					"sluice.listen.rematch-interval must be positive, was " + rematchInterval);
		}
		if (matchCooldown == null || matchCooldown.isNegative()) {
			throw new IllegalArgumentException("sluice.listen.match-cooldown must not be negative, was " + matchCooldown);
		}
	}

	/** The defaults, for tests and for wiring without a binder. */
	public static ListenProperties defaults() {
		return new ListenProperties(Duration.ofMillis(500), true, Duration.ofSeconds(30), Duration.ofSeconds(10));
	}

}
