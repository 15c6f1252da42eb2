package io.sluice.gateway.cluster;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How gateway nodes know which of them are alive and keep each other's state, checked when bound so that a bad value
 * stops start-up with a message naming it.
 *
 * @param heartbeatInterval how often this node tells the others it is alive
 * @param missedHeartbeats how many heartbeat intervals a node may stay silent before the others take it to be gone,
 *     and forget its RPC providers and its users
 * @param resyncInterval how often this node sends the others all its state (RPC providers, logged-in users), which
 *     repairs what the bus lost on the way
 */
@ConfigurationProperties("sluice.cluster")
public record ClusterProperties(@DefaultValue("10s") Duration heartbeatInterval,
		@DefaultValue("3") int missedHeartbeats, @DefaultValue("10s") Duration resyncInterval) {

	public ClusterProperties {
		requirePositive("sluice.cluster.heartbeat-interval", heartbeatInterval);
		requirePositive("sluice.cluster.resync-interval", resyncInterval);
		if (missedHeartbeats < 1) {
			throw new IllegalArgumentException(
					"sluice.cluster.missed-heartbeats must be at least 1, was " + missedHeartbeats);
		}
	}

	/** The defaults, for tests and for wiring without a binder. */
	public static ClusterProperties defaults() {
		return new ClusterProperties(Duration.ofSeconds(10), 3, Duration.ofSeconds(10));
	}

	/** How long a node may stay silent before it is taken to be gone. */
	Duration expiry() {
		return this.heartbeatInterval.multipliedBy(this.missedHeartbeats);
	}

	private static void requirePositive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
		}
	}

}
