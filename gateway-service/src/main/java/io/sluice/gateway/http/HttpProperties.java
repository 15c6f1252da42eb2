package io.sluice.gateway.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The HTTP API on the gateway's port: deepstream's endpoint (same paths and options, same defaults) and the REST
 * resources. Checked when bound, so that a bad value stops start-up with a message naming it.
 *
 * @param enabled whether the HTTP API is served at all
 * @param path deepstream's endpoint: {@code POST} a batch of commands
 * @param authPath deepstream's authentication endpoint: {@code POST} auth data, get a token
 * @param allowAuthData whether a batch may carry its own {@code authData} (else only a token, or none with open
 *     authentication)
 * @param enableAuthEndpoint whether {@code authPath} is served
 * @param tokenTtl how long a token from {@code authPath} is valid
 * @param tokenSecret the key tokens are signed with (at least 32 bytes): the same on every gateway of a cluster so
 *     that a token from one is valid on all; when empty, a random key of this process (tokens then work on this
 *     gateway only, and not after a restart)
 * @param requestTimeout how long a batch may take before its unfinished commands fail (deepstream's
 *     {@code requestTimeout})
 * @param maxInFlight how many requests of the HTTP API (both endpoints together) this gateway has in progress at once,
 *     worked on or waiting for its HTTP threads; one more is answered at once with 429 Too Many Requests and
 *     {@code Retry-After}, never queued
 */
@ConfigurationProperties("sluice.http")
public record HttpProperties(@DefaultValue("true") boolean enabled, @DefaultValue("/api") String path,
		@DefaultValue("/api/auth") String authPath, @DefaultValue("true") boolean allowAuthData,
		@DefaultValue("false") boolean enableAuthEndpoint, @DefaultValue("1h") Duration tokenTtl,
		@DefaultValue("") String tokenSecret, @DefaultValue("20s") Duration requestTimeout,
		@DefaultValue("" + DEFAULT_MAX_IN_FLIGHT) int maxInFlight) {

	/** The default of {@code max-in-flight}. */
	static final int DEFAULT_MAX_IN_FLIGHT = 256;

	/** The shortest secret an HMAC-SHA256 key may have. */
	static final int MIN_SECRET_BYTES = 32;

	public HttpProperties {
		startsWithSlash("path", path);
		startsWithSlash("auth-path", authPath);
		if (path.equals(authPath)) {
			throw new IllegalArgumentException("sluice.http.auth-path must differ from sluice.http.path, both were '"
					+ path + "'");
		}
		positive("token-ttl", tokenTtl);
		positive("request-timeout", requestTimeout);
		if (maxInFlight < 1) {
			throw new IllegalArgumentException("sluice.http.max-in-flight must be at least 1, was " + maxInFlight);
		}
		tokenSecret = (tokenSecret != null) ? tokenSecret : "";
		if (!tokenSecret.isEmpty() && tokenSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
			throw new IllegalArgumentException("sluice.http.token-secret must be at least " + MIN_SECRET_BYTES
					+ " bytes long (or empty for a key of this process only)");
		}
	}

	/** The defaults, for tests and for wiring without a binder. */
	public static HttpProperties defaults() {
		return new HttpProperties(true, "/api", "/api/auth", true, false, Duration.ofHours(1), "",
				Duration.ofSeconds(20), DEFAULT_MAX_IN_FLIGHT);
	}

	private static void startsWithSlash(String name, String value) {
		if (value == null || !value.startsWith("/")) {
			throw new IllegalArgumentException("sluice.http." + name + " must start with '/', was '" + value + "'");
		}
	}

	private static void positive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("sluice.http." + name + " must be positive, was " + value);
		}
	}

}
