package io.sluice.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JWT authentication: the auth data {@code {token}} is a signed JWT, verified with Nimbus JOSE against the configured
 * secret, public key or JWKS ({@link JwtProperties}); its {@code exp} and {@code nbf} are checked (with the clock
 * skew), and its {@code iss} and {@code aud} when configured. The user id, {@code serverData} and {@code clientData}
 * come from configured claims. An accepted login {@linkplain AuthResult#expiresAt() expires} with the token: the
 * session is closed then.
 *
 * <p>Refusals carry {@code {"error": ...}}: {@code missing authentication parameter: token}, {@code token expired},
 * {@code token not yet valid} or {@code invalid token} (the details are logged at debug, not told to the client).
 * Verification is a signature check on the calling thread; the only I/O, fetching a JWKS, is non-blocking.
 */
public final class JwtAuthenticator implements Authenticator {

	private static final Logger logger = LoggerFactory.getLogger(JwtAuthenticator.class);

	static final byte[] MISSING_TOKEN = error("missing authentication parameter: token");

	static final byte[] EXPIRED = error("token expired");

	static final byte[] NOT_YET_VALID = error("token not yet valid");

	static final byte[] INVALID = error("invalid token");

	private static final Set<JWSAlgorithm> RSA = Set.copyOf(JWSAlgorithm.Family.RSA);

	private static final Set<JWSAlgorithm> EC = Set.copyOf(JWSAlgorithm.Family.EC);

	private static final Set<JWSAlgorithm> HMAC = Set.copyOf(JWSAlgorithm.Family.HMAC_SHA);

	private final JwtProperties properties;

	private final JwksKeys jwks;

	private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

	private final JsonMapper json = JsonMapper.builder().build();

	public JwtAuthenticator(JwtProperties properties) {
		this(properties, HttpClient.create(), System::nanoTime);
	}

	/** With the clock that times the refetches of a JWKS. */
	JwtAuthenticator(JwtProperties properties, HttpClient http, LongSupplier nanoTime) {
		this.properties = properties;
		if (properties.jwksUrl() != null) {
			this.jwks = new JwksKeys(properties.jwksUrl(), http.followRedirect(true), properties.jwksMaxAge(),
					properties.jwksMinRefetchInterval(), properties.jwksTimeout(), nanoTime);
			Set<JWSAlgorithm> asymmetric = new HashSet<>(RSA);
			asymmetric.addAll(EC);
			JWKSource<SecurityContext> held = (selector, context) -> selector.select(this.jwks.current());
			this.processor.setJWSKeySelector(new JWSVerificationKeySelector<>(asymmetric, held));
		}
		else {
			this.jwks = null;
			this.processor.setJWSKeySelector(fixedKey(properties));
		}
		DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
				properties.audience().isEmpty() ? null : new HashSet<>(properties.audience()),
				(properties.issuer() != null) ? new JWTClaimsSet.Builder().issuer(properties.issuer()).build() : null,
				Set.of(properties.userIdClaim()), null);
		claims.setMaxClockSkew((int) properties.clockSkew().toSeconds());
		this.processor.setJWTClaimsSetVerifier(claims);
		logger.info("Authentication: JWT, keys from {}", describeKeys());
	}

	@Override
	public Mono<AuthResult> authenticate(ConnectionData connection, JsonNode authData) {
		if (!recognises(authData)) {
			return Mono.just(AuthResult.refused(MISSING_TOKEN));
		}
		SignedJWT jwt;
		try {
			jwt = SignedJWT.parse(authData.get("token").asString());
		}
		catch (ParseException ex) {
			logger.debug("JWT authentication refused a token that is not a signed JWT: {}", ex.getMessage());
			return Mono.just(AuthResult.refused(INVALID));
		}
		if (this.jwks == null) {
			return Mono.just(verify(jwt));
		}
		return this.jwks.keysFor(jwt.getHeader().getKeyID()).map((keys) -> verify(jwt));
	}

	@Override
	public Mono<Void> warmUp() {
		return (this.jwks != null) ? this.jwks.fetch().then() : Mono.empty();
	}

	@Override
	public boolean recognises(JsonNode authData) {
		JsonNode token = authData.get("token");
		return token != null && token.isString();
	}

	private AuthResult verify(SignedJWT jwt) {
		JWTClaimsSet claims;
		try {
			claims = this.processor.process(jwt, null);
		}
		catch (BadJWTException ex) {
			logger.debug("JWT authentication refused a token: {}", ex.getMessage());
			return AuthResult.refused(reason(ex.getMessage()));
		}
		catch (BadJOSEException | JOSEException ex) {
			logger.debug("JWT authentication refused a token: {}", ex.getMessage());
			return AuthResult.refused(INVALID);
		}
		Object userId = claims.getClaim(this.properties.userIdClaim());
		if (!(userId instanceof String || userId instanceof Number) || userId.toString().isEmpty()) {
			logger.debug("JWT authentication refused a token whose {} claim is not a user id",
					this.properties.userIdClaim());
			return AuthResult.refused(INVALID);
		}
		Instant expiresAt = (claims.getExpirationTime() != null)
				? claims.getExpirationTime().toInstant().plus(this.properties.clockSkew()) : null;
		return AuthResult.accepted(userId.toString(), claim(claims, this.properties.clientDataClaim()),
				claim(claims, this.properties.serverDataClaim()), expiresAt);
	}

	/** Nimbus's words for a token out of its time, told apart from everything else that is wrong with it. */
	private static byte[] reason(String message) {
		if ("Expired JWT".equals(message)) {
			return EXPIRED;
		}
		if ("JWT before use time".equals(message)) {
			return NOT_YET_VALID;
		}
		return INVALID;
	}

	private byte[] claim(JWTClaimsSet claims, String name) {
		Object value = claims.getClaim(name);
		return (value != null) ? this.json.writeValueAsBytes(value) : null;
	}

	private String describeKeys() {
		if (this.properties.jwksUrl() != null) {
			return LoggedUrl.of(this.properties.jwksUrl());
		}
		if (this.properties.secret() != null && !this.properties.secret().isEmpty()) {
			return "a shared secret";
		}
		return (this.properties.publicKeyLocation() != null) ? this.properties.publicKeyLocation().toString()
				: "a public key";
	}

	/** The one key of a secret or a PEM public key, whatever key id a token names. */
	private static JWSKeySelector<SecurityContext> fixedKey(JwtProperties properties) {
		Key key;
		Set<JWSAlgorithm> algorithms;
		if (properties.secret() != null && !properties.secret().isEmpty()) {
			key = new SecretKeySpec(properties.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
			algorithms = HMAC;
		}
		else {
			PublicKey publicKey = publicKey(properties);
			key = publicKey;
			algorithms = (publicKey instanceof ECPublicKey) ? EC : RSA;
		}
		List<Key> keys = List.of(key);
		return (header, context) -> algorithms.contains(header.getAlgorithm()) ? keys : List.of();
	}

	private static PublicKey publicKey(JwtProperties properties) {
		String property = (properties.publicKeyLocation() != null) ? "sluice.auth.jwt.public-key-location"
				: "sluice.auth.jwt.public-key";
		String pem;
		try {
			pem = (properties.publicKeyLocation() != null) ? Files.readString(properties.publicKeyLocation())
					: properties.publicKey();
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(property + ": cannot read " + properties.publicKeyLocation() + ": " + ex,
					ex);
		}
		String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
		byte[] der;
		try {
			der = Base64.getDecoder().decode(body);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(property + " must be a PEM public key (-----BEGIN PUBLIC KEY-----)", ex);
		}
		for (String type : List.of("RSA", "EC")) {
			try {
				return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
			}
			catch (GeneralSecurityException ex) {
				// not of this type; the next one may fit
			}
		}
		throw new IllegalArgumentException(property + " must be an RSA or EC public key in PEM "
				+ "(-----BEGIN PUBLIC KEY-----)");
	}

	private static byte[] error(String reason) {
		return ("{\"error\":\"" + reason + "\"}").getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "JWT";
	}

}
