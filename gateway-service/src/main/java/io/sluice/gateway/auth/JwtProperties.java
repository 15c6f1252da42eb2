package io.sluice.gateway.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * JWT authentication: the auth data's {@code token}, a signed JWT, verified with exactly one of a shared secret
 * (HS256/384/512), a public key (RS256/384/512, PS256/384/512 or ES256/384/512, by the key's type) or a JWKS URL.
 *
 * @param secret the HMAC secret, at least 32 bytes (UTF-8)
 * @param publicKey the public key in PEM ({@code -----BEGIN PUBLIC KEY-----}), RSA or EC
 * @param publicKeyLocation a file holding the PEM public key, instead of {@code publicKey}
 * @param jwksUrl where the issuer publishes its keys (http or https); fetched at start-up and again when a token names
 *     a key id it does not hold, or when it is older than {@code jwksMaxAge}
 * @param issuer the {@code iss} a token must have; none checked when unset
 * @param audience the {@code aud} values of which a token must have one; none checked when empty
 * @param userIdClaim the claim holding the user id
 * @param serverDataClaim the claim whose value becomes the user's {@code serverData} (permission rules'
 *     {@code user.data}); none when the token lacks it
 * @param clientDataClaim the claim whose value the client receives as its {@code clientData}
 * @param clockSkew how far the issuer's clock may be from this one, for {@code exp} and {@code nbf}
 * @param jwksMaxAge how long a fetched key set is used before it is fetched again
 * @param jwksMinRefetchInterval the least time between two fetches, however many tokens name unknown keys
 * @param jwksTimeout how long one fetch of the key set may take
 */
@ConfigurationProperties("sluice.auth.jwt")
public record JwtProperties(String secret, String publicKey, Path publicKeyLocation, URI jwksUrl, String issuer,
		@DefaultValue("") List<String> audience, @DefaultValue("sub") String userIdClaim,
		@DefaultValue("serverData") String serverDataClaim, @DefaultValue("clientData") String clientDataClaim,
		@DefaultValue("30s") Duration clockSkew, @DefaultValue("5m") Duration jwksMaxAge,
		@DefaultValue("30s") Duration jwksMinRefetchInterval, @DefaultValue("5s") Duration jwksTimeout) {

	/** The shortest HMAC secret: 256 bits, as HS256 asks (RFC 7518, section 3.2). */
	static final int MINIMUM_SECRET_BYTES = 32;

	public JwtProperties {
		audience = (audience != null) ? audience.stream().filter((value) -> !value.isBlank()).toList() : List.of();
		int keys = ((secret != null && !secret.isEmpty()) ? 1 : 0) + ((publicKey != null && !publicKey.isBlank()) ? 1 : 0)
				+ ((publicKeyLocation != null) ? 1 : 0) + ((jwksUrl != null) ? 1 : 0);
		if (keys != 1) {
			throw new IllegalArgumentException("Exactly one of sluice.auth.jwt.secret, public-key, public-key-location "
					+ "and jwks-url must be set when sluice.auth.type includes jwt (" + keys + " are)");
		}
		if (secret != null && !secret.isEmpty()
				&& secret.getBytes(StandardCharsets.UTF_8).length < MINIMUM_SECRET_BYTES) {
			throw new IllegalArgumentException(
					"sluice.auth.jwt.secret must be at least " + MINIMUM_SECRET_BYTES + " bytes long for HS256");
		}
		if (jwksUrl != null && (jwksUrl.getHost() == null
				|| !("http".equals(jwksUrl.getScheme()) || "https".equals(jwksUrl.getScheme())))) {
			throw new IllegalArgumentException("sluice.auth.jwt.jwks-url must be an http or https URL, was " + jwksUrl);
		}
		requireText(userIdClaim, "user-id-claim");
		requireText(serverDataClaim, "server-data-claim");
		requireText(clientDataClaim, "client-data-claim");
		requireNotNegative(clockSkew, "clock-skew");
		requirePositive(jwksMaxAge, "jwks-max-age");
		requireNotNegative(jwksMinRefetchInterval, "jwks-min-refetch-interval");
		requirePositive(jwksTimeout, "jwks-timeout");
	}

	/** With a shared secret and the defaults. */
	static JwtProperties ofSecret(String secret) {
		return new JwtProperties(secret, null, null, null, null, List.of(), "sub", "serverData", "clientData",
				Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(5));
	}

	private static void requireText(String value, String name) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("sluice.auth.jwt." + name + " must not be empty");
		}
	}

	private static void requireNotNegative(Duration value, String name) {
		if (value == null || value.isNegative()) {
			throw new IllegalArgumentException("sluice.auth.jwt." + name + " must not be negative");
		}
	}

	private static void requirePositive(Duration value, String name) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("sluice.auth.jwt." + name + " must be positive");
		}
	}

}
