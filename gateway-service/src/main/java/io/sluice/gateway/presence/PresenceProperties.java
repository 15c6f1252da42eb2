package io.sluice.gateway.presence;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How gateway nodes keep each other's logged-in users, checked when bound.
 *
 * @param resyncInterval how often this node announces all its users to the other nodes; a node not heard from for
 *     three intervals is taken to be gone, and its users with it
 */
@ConfigurationProperties("sluice.presence")
public record PresenceProperties(@DefaultValue("10s") Duration resyncInterval) {

	public PresenceProperties {
		if (resyncInterval == null || resyncInterval.isNegative() || resyncInterval.isZero()) {
			throw new IllegalArgumentException(
					"sluice.presence.resync-interval must be a positive duration, was " + resyncInterval);
		}
	}

}
