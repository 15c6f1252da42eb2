package io.sluice.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import io.sluice.gateway.permission.Permissions;

/**
 * Tokens the HTTP API gives out once a caller has logged in ({@code /api/auth}), and takes back instead of auth data:
 * a JWT signed with HMAC-SHA256 that carries the user id, the server and client data the authenticator gave, and
 * when it expires. Nothing is kept on the server, so a token is valid on every gateway that shares the key
 * ({@code sluice.http.token-secret}) until it expires.
 */
public final class HttpTokens {

	private static final Logger logger = LoggerFactory.getLogger(HttpTokens.class);

	private static final String ISSUER = "sluice-http";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final MACSigner signer;

	private final MACVerifier verifier;

	private final Duration ttl;

	private final Clock clock;

	public HttpTokens(HttpProperties properties, Clock clock) {
		byte[] key = properties.tokenSecret().isEmpty() ? randomKey()
				: properties.tokenSecret().getBytes(StandardCharsets.UTF_8);
		if (properties.tokenSecret().isEmpty()) {
			logger.info("HTTP tokens are signed with a key of this process: set sluice.http.token-secret for tokens "
					+ "valid on every gateway and across restarts");
		}
		try {
			this.signer = new MACSigner(key);
			this.verifier = new MACVerifier(key);
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException("sluice.http.token-secret cannot sign tokens: " + ex.getMessage(), ex);
		}
		this.ttl = properties.tokenTtl();
		this.clock = clock;
	}

	/** A token for a caller who logged in. */
	public String issue(String userId, byte[] serverData, byte[] clientData) {
		Instant now = this.clock.instant();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER)
			.subject(userId)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(this.ttl)));
		if (serverData != null) {
			claims.claim("serverData", JSON.readValue(serverData, Object.class));
		}
		if (clientData != null) {
			claims.claim("clientData", JSON.readValue(clientData, Object.class));
		}
		SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
		try {
			token.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Signing an HTTP token failed", ex);
		}
		return token.serialize();
	}

	/**
	 * The caller a token stands for.
	 * @throws InvalidTokenException when it is not one of these tokens, was not signed with this key, or expired
	 */
	public Caller verify(String token) {
		JWTClaimsSet claims;
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(this.verifier)) {
				throw new InvalidTokenException("The token's signature is not valid");
			}
			claims = jwt.getJWTClaimsSet();
		}
		catch (ParseException | JOSEException ex) {
			throw new InvalidTokenException("The token is not a token of this server");
		}
		if (!ISSUER.equals(claims.getIssuer()) || claims.getSubject() == null || claims.getExpirationTime() == null) {
			throw new InvalidTokenException("The token is not a token of this server");
		}
		if (!claims.getExpirationTime().toInstant().isAfter(this.clock.instant())) {
			throw new InvalidTokenException("The token has expired");
		}
		byte[] serverData = json(claims.getClaim("serverData"));
		return new Caller(Permissions.Subject.of(claims.getSubject(), serverData), json(claims.getClaim("clientData")));
	}

	private static byte[] json(Object claim) {
		if (claim == null) {
			return null;
		}
		return JSON.writeValueAsBytes(claim);
	}

	private static byte[] randomKey() {
		byte[] key = new byte[HttpProperties.MIN_SECRET_BYTES];
		new SecureRandom().nextBytes(key);
		return key;
	}

	/** A token that cannot be used: the message says why, for the caller. */
	public static final class InvalidTokenException extends RuntimeException {

		InvalidTokenException(String message) {
			super(message);
		}

	}

}
