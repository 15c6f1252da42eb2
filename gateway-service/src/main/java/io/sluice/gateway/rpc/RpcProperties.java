package io.sluice.gateway.rpc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How remote procedure calls are routed and how long their providers are given, checked when bound so that a bad
 * value stops start-up with a message naming it.
 *
 * @param acceptTimeout how long a provider has to accept a request before the caller gets {@code ACCEPT_TIMEOUT}
 * @param responseTimeout how long a provider has to respond, counted from when the request was routed to it,
 *     before the caller gets {@code RESPONSE_TIMEOUT}
 * @param shuffleProviders whether a request goes to a random provider (as in deepstream) or to the first one
 *     registered that was not tried yet (predictable, for tests and for primary/backup setups)
 * @param provideRequestorName whether a provider is told the user id of the requestor ({@code requestorName}), as
 *     deepstream's {@code rpc.provideRequestorName}; off by default, as there
 * @param provideRequestorData whether a provider is told the {@code clientData} the requestor was given at login
 *     ({@code requestorData}), as deepstream's {@code rpc.provideRequestorData}; off by default, as there. What a
 *     client itself puts in these two fields of its request never reaches a provider
 */
@ConfigurationProperties("sluice.rpc")
public record RpcProperties(@DefaultValue("1s") Duration acceptTimeout, @DefaultValue("10s") Duration responseTimeout,
		@DefaultValue("true") boolean shuffleProviders, @DefaultValue("false") boolean provideRequestorName,
		@DefaultValue("false") boolean provideRequestorData) {

	public RpcProperties {
		requirePositive("sluice.rpc.accept-timeout", acceptTimeout);
		requirePositive("sluice.rpc.response-timeout", responseTimeout);
	}

	/** The defaults, for tests and for wiring without a binder. */
	public static RpcProperties defaults() {
		return new RpcProperties(Duration.ofSeconds(1), Duration.ofSeconds(10), true, false, false);
	}

	private static void requirePositive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
		}
	}

}
