package io.sluice.gateway.session;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the deepstream WebSocket endpoints, checked when they are bound so that a bad value stops start-up
 * with a message naming it.
 *
 * @param path the path the binary (protobuf) endpoint is served on, on the same port as the rest of the web server
 * @param jsonPath the path the JSON endpoint is served on (the client's {@code jsonTransportMode}); empty to turn
 *     it off
 * @param maxMessageSize the largest message a client may send; a larger one closes the connection (1009)
 * @param outboundBudget how much may wait for one client (each message counting its frame plus 64 bytes) without
 *     condition; beyond it, a client whose socket takes nothing for {@code stallTimeout} is disconnected (1008)
 * @param outboundLimit how much may wait for one client, reading or not; beyond it the client is disconnected (1008)
 *     rather than allowed to grow the server's memory
 * @param stallTimeout how long a client over {@code outboundBudget} may go without reading before it is disconnected
 * @param maxInFlight how many messages of one connection may be in progress at once (writes waiting to become
 *     durable, say); beyond that the gateway stops reading from the connection until one completes
 * @param heartbeatTimeout how long a connection may stay silent before it is closed; the client pings every
 *     {@code heartbeatInterval} (30 s by default), so twice that by default
 * @param unauthenticatedClientTimeout how long a client has from connecting to logging in (deepstream's default)
 * @param maxAuthAttempts how many refused logins a connection may have before it is closed (deepstream's default)
 * @param maxNameLength the longest record, event, RPC or user name accepted, in characters
 * @param maxSubscriptions how many subscriptions one connection may hold, over all topics
 * @param maxMessagesPerSecond how many messages a connection may send per second, sustained and as a burst; a
 *     client that sends more is disconnected (1008)
 * @param maxJsonDepth how deeply a message's JSON (the frame on the JSON endpoint, the data on both) may nest
 * @param shutdownTimeout how long a graceful shutdown waits for clients to leave after telling them to
 * @param allowedOrigins the origins ({@code scheme://host[:port]}) whose browser pages may open a WebSocket; empty (the
 *     default) for any. An upgrade whose {@code Origin} header names another is refused with 403; one without the
 *     header (a client that is not a browser) is let through
 */
@ConfigurationProperties("sluice.gateway")
public record GatewayProperties(@DefaultValue("/deepstream") String path,
		@DefaultValue("/deepstream-json") String jsonPath, @DefaultValue("1MB") DataSize maxMessageSize,
		@DefaultValue("1MB") DataSize outboundBudget, @DefaultValue("16MB") DataSize outboundLimit,
		@DefaultValue("10s") Duration stallTimeout, @DefaultValue("256") int maxInFlight,
		@DefaultValue("60s") Duration heartbeatTimeout, @DefaultValue("180s") Duration unauthenticatedClientTimeout,
		@DefaultValue("3") int maxAuthAttempts, @DefaultValue("1024") int maxNameLength,
		@DefaultValue("10000") int maxSubscriptions, @DefaultValue("100000") int maxMessagesPerSecond,
		@DefaultValue("64") int maxJsonDepth, @DefaultValue("10s") Duration shutdownTimeout,
		@DefaultValue List<String> allowedOrigins) {

	public GatewayProperties {
		if (path == null || !path.startsWith("/")) {
			throw new IllegalArgumentException("sluice.gateway.path must start with '/', was '" + path + "'");
		}
		jsonPath = (jsonPath != null) ? jsonPath : "";
		if (!jsonPath.isEmpty() && (!jsonPath.startsWith("/") || jsonPath.equals(path))) {
			throw new IllegalArgumentException("sluice.gateway.json-path must be empty or start with '/' and differ "
					+ "from sluice.gateway.path, was '" + jsonPath + "'");
		}
		if (maxMessageSize == null || maxMessageSize.toBytes() < 1 || maxMessageSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"sluice.gateway.max-message-size must be between 1B and 2GB, was " + maxMessageSize);
		}
		if (outboundBudget == null || outboundBudget.toBytes() < 1) {
			throw new IllegalArgumentException("sluice.gateway.outbound-budget must be positive, was " + outboundBudget);
		}
		if (outboundLimit == null || outboundLimit.compareTo(outboundBudget) < 0) {
			throw new IllegalArgumentException("sluice.gateway.outbound-limit must be at least "
					+ "sluice.gateway.outbound-budget (" + outboundBudget + "), was " + outboundLimit);
		}
		positive("stall-timeout", stallTimeout);
		atLeast("max-in-flight", maxInFlight, 1);
		positive("heartbeat-timeout", heartbeatTimeout);
		positive("unauthenticated-client-timeout", unauthenticatedClientTimeout);
		positive("shutdown-timeout", shutdownTimeout);
		atLeast("max-auth-attempts", maxAuthAttempts, 1);
		atLeast("max-name-length", maxNameLength, 1);
		atLeast("max-subscriptions", maxSubscriptions, 1);
		atLeast("max-messages-per-second", maxMessagesPerSecond, 1);
		atLeast("max-json-depth", maxJsonDepth, 2);
		allowedOrigins = (allowedOrigins != null) ? allowedOrigins.stream().map(GatewayProperties::origin).toList()
				: List.of();
	}

	/** An allowed origin as browsers send it: lower case, no trailing slash; a malformed one is refused. */
	private static String origin(String origin) {
		String trimmed = (origin != null) ? origin.trim().toLowerCase(Locale.ROOT) : "";
		String bare = trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
		if (!bare.matches("[a-z][a-z0-9+.-]*://[^/\\s]+")) {
			throw new IllegalArgumentException("sluice.gateway.allowed-origins: '" + origin
					+ "' is not an origin (scheme://host or scheme://host:port, as in https://app.example.com)");
		}
		return bare;
	}

	/** Whether a browser page of {@code origin} (an {@code Origin} header) may open a WebSocket here. */
	public boolean allowsOrigin(String origin) {
		return this.allowedOrigins.isEmpty() || this.allowedOrigins.contains(origin.trim().toLowerCase(Locale.ROOT));
	}

	/** The defaults, for tests and for wiring without a binder. */
	public static GatewayProperties defaults() {
		return new GatewayProperties("/deepstream", "/deepstream-json", DataSize.ofMegabytes(1),
				DataSize.ofMegabytes(1), DataSize.ofMegabytes(16), Duration.ofSeconds(10), 256,
				Duration.ofSeconds(60), Duration.ofSeconds(180), 3, 1024, 10000, 100000, 64, Duration.ofSeconds(10),
				List.of());
	}

	private static void atLeast(String name, int value, int minimum) {
		if (value < minimum) {
			throw new IllegalArgumentException("sluice.gateway." + name + " must be at least " + minimum + ", was " + value);
		}
	}

	private static void positive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("sluice.gateway." + name + " must be a positive duration, was " + value);
		}
	}

}
