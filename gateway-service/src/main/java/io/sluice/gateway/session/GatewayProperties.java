package io.sluice.gateway.session;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the deepstream WebSocket endpoint, checked when they are bound so that a bad value stops start-up
 * with a message naming it.
 *
 * @param path the path the endpoint is served on, on the same port as the rest of the web server
 * @param maxMessageSize the largest message a client may send; a larger one closes the connection (1009)
 * @param outboundQueueLimit how many messages may wait for one client; a client that lets more pile up is
 *     disconnected (1008) rather than allowed to grow the server's memory
 * @param maxInFlight how many messages of one connection may be in progress at once (writes waiting to become
 *     durable, say); beyond that the gateway stops reading from the connection until one completes
 */
@ConfigurationProperties("sluice.gateway")
public record GatewayProperties(@DefaultValue("/deepstream") String path, @DefaultValue("1MB") DataSize maxMessageSize,
		@DefaultValue("4096") int outboundQueueLimit, @DefaultValue("256") int maxInFlight) {

	public GatewayProperties {
		if (path == null || !path.startsWith("/")) {
			throw new IllegalArgumentException("sluice.gateway.path must start with '/', was '" + path + "'");
		}
		if (maxMessageSize == null || maxMessageSize.toBytes() < 1 || maxMessageSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"sluice.gateway.max-message-size must be between 1B and 2GB, was " + maxMessageSize);
		}
		if (outboundQueueLimit < 1) {
			throw new IllegalArgumentException(
					"sluice.gateway.outbound-queue-limit must be at least 1, was " + outboundQueueLimit);
		}
		if (maxInFlight < 1) {
			throw new IllegalArgumentException("sluice.gateway.max-in-flight must be at least 1, was " + maxInFlight);
		}
	}

	/** The defaults, for tests and for wiring without a binder. */
	public static GatewayProperties defaults() {
		return new GatewayProperties("/deepstream", DataSize.ofMegabytes(1), 4096, 256);
	}

}
