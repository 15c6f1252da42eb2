package io.sluice.gateway.session;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The limits at the edge of the gateway, by remote address: how many WebSocket connections it takes, and how many
 * refused logins. A remote address is the one the web server sees: behind a proxy or a load balancer that is the
 * proxy's, unless the server takes the client's from the forwarding headers ({@code server.forward-headers-strategy});
 * an IPv6 address counts by its /64 network, which one subscriber usually holds whole.
 *
 * @param maxConnections how many WebSocket connections this node takes; an upgrade beyond it is answered with 503
 *     and {@code Retry-After}, before it is upgraded
 * @param maxConnectionsPerAddress how many of them may come from one remote address; 0 for no limit
 * @param maxRefusedLoginsPerSecond how many refused logins one remote address may have per second, with bursts of up
 *     to ten seconds' worth; a login beyond them is refused without asking the authenticator and ends the connection
 *     ({@code AUTH TOO_MANY_AUTH_ATTEMPTS}); 0 for no limit
 */
@ConfigurationProperties("sluice.gateway")
public record ConnectionLimits(@DefaultValue("100000") int maxConnections,
		@DefaultValue("0") int maxConnectionsPerAddress, @DefaultValue("1") int maxRefusedLoginsPerSecond) {

	public ConnectionLimits {
		if (maxConnections < 1) {
			throw new IllegalArgumentException("sluice.gateway.max-connections must be at least 1, was " + maxConnections);
		}
		if (maxConnectionsPerAddress < 0) {
			throw new IllegalArgumentException("sluice.gateway.max-connections-per-address must be 0 (no limit) or "
					+ "more, was " + maxConnectionsPerAddress);
		}
		if (maxRefusedLoginsPerSecond < 0) {
			throw new IllegalArgumentException("sluice.gateway.max-refused-logins-per-second must be 0 (no limit) or "
					+ "more, was " + maxRefusedLoginsPerSecond);
		}
	}

	/** The defaults, for tests and for wiring without a binder. */
	public static ConnectionLimits defaults() {
		return new ConnectionLimits(100000, 0, 1);
	}

}
