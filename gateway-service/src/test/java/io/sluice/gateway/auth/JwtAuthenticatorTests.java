package io.sluice.gateway.auth;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static io.sluice.gateway.auth.FileAuthenticatorTests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JwtAuthenticatorTests {

	private static final Duration VERIFY = Duration.ofSeconds(10);

	private static final ConnectionData CONNECTION = new ConnectionData("127.0.0.1", Map.of(), null);

	private static final String SECRET = "a secret of at least thirty-two bytes, for HS256";

	private static final JsonMapper json = JsonMapper.builder().build();

	private HttpServer jwksServer;

	@TempDir
	Path directory;

	@AfterEach
	void stopJwksServer() {
		if (this.jwksServer != null) {
			this.jwksServer.stop(0);
		}
	}

	@Test
	void hs256TokenLogsInWithItsClaims() throws Exception {
		JwtAuthenticator jwt = new JwtAuthenticator(JwtProperties.ofSecret(SECRET));
		Instant exp = Instant.now().plusSeconds(600);
		String token = sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, null,
				(claims) -> claims.subject("ann")
					.expirationTime(Date.from(exp))
					.claim("serverData", Map.of("role", "admin"))
					.claim("clientData", Map.of("theme", "dark")));
		assertAccepted(jwt, token, (result) -> {
			assertThat(result.userId()).isEqualTo("ann");
			assertThat(text(result.serverData())).isEqualTo("{\"role\":\"admin\"}");
			assertThat(text(result.clientData())).isEqualTo("{\"theme\":\"dark\"}");
			assertThat(result.expiresAt()).as("exp and the clock skew")
				.isEqualTo(Instant.ofEpochSecond(exp.getEpochSecond()).plusSeconds(30));
		});
	}

	@Test
	void rs256TokenLogsInWithAPemPublicKeyFromAFile() throws Exception {
		KeyPair rsa = keyPair("RSA");
		Path pem = Files.writeString(this.directory.resolve("key.pem"), pem(rsa.getPublic()));
		JwtAuthenticator jwt = new JwtAuthenticator(properties(null, null, pem, null, null, List.of()));
		assertAccepted(jwt, sign(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, "any-kid", valid("ann")),
				(result) -> assertThat(result.userId()).isEqualTo("ann"));
		assertRefused(jwt, sign(new RSASSASigner(keyPair("RSA").getPrivate()), JWSAlgorithm.RS256, null, valid("ann")),
				JwtAuthenticator.INVALID);
	}

	@Test
	void es256TokenLogsInWithAPemPublicKey() throws Exception {
		KeyPair ec = ecKeyPair();
		JwtAuthenticator jwt = new JwtAuthenticator(properties(null, pem(ec.getPublic()), null, null, null, List.of()));
		assertAccepted(jwt, sign(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256, null,
				valid("ann")), (result) -> assertThat(result.userId()).isEqualTo("ann"));
		assertRefused(jwt, sign(new ECDSASigner((ECPrivateKey) ecKeyPair().getPrivate()), JWSAlgorithm.ES256, null,
				valid("ann")), JwtAuthenticator.INVALID);
		// An HMAC token made with the public key's bytes as its secret must not pass for a signed one.
		byte[] publicBytes = ec.getPublic().getEncoded();
		assertRefused(jwt, sign(new MACSigner(publicBytes), JWSAlgorithm.HS256, null, valid("ann")),
				JwtAuthenticator.INVALID);
	}

	@Test
	void tokenSignedWithAnotherSecretIsRefused() throws Exception {
		JwtAuthenticator jwt = new JwtAuthenticator(JwtProperties.ofSecret(SECRET));
		String other = "another secret of at least thirty-two bytes long";
		assertRefused(jwt, sign(new MACSigner(other.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, null,
				valid("ann")), JwtAuthenticator.INVALID);
		assertRefused(jwt, "not.a.token", JwtAuthenticator.INVALID);
		StepVerifier.create(jwt.authenticate(CONNECTION, json.createObjectNode().put("username", "ann")))
			.assertNext((result) -> assertThat(result.clientData()).isEqualTo(JwtAuthenticator.MISSING_TOKEN))
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void expiredAndNotYetValidTokensAreRefusedBeyondTheClockSkew() throws Exception {
		JwtAuthenticator jwt = new JwtAuthenticator(JwtProperties.ofSecret(SECRET));
		MACSigner signer = new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8));
		Instant now = Instant.now();
		assertRefused(jwt, sign(signer, JWSAlgorithm.HS256, null,
				(claims) -> claims.subject("ann").expirationTime(Date.from(now.minusSeconds(40)))),
				JwtAuthenticator.EXPIRED);
		assertRefused(jwt, sign(signer, JWSAlgorithm.HS256, null,
				(claims) -> claims.subject("ann").notBeforeTime(Date.from(now.plusSeconds(40)))),
				JwtAuthenticator.NOT_YET_VALID);
		assertAccepted(jwt, sign(signer, JWSAlgorithm.HS256, null,
				(claims) -> claims.subject("ann").expirationTime(Date.from(now.minusSeconds(10)))),
				(result) -> assertThat(result.expiresAt()).as("within the skew").isAfter(now));
		assertRefused(jwt, sign(signer, JWSAlgorithm.HS256, null, (claims) -> claims.claim("name", "ann")),
				JwtAuthenticator.INVALID);
	}

	@Test
	void issuerAndAudienceMustBeTheConfiguredOnes() throws Exception {
		JwtAuthenticator jwt = new JwtAuthenticator(
				properties(SECRET, null, null, null, "https://issuer.example", List.of("sluice", "other")));
		MACSigner signer = new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8));
		assertAccepted(jwt, sign(signer, JWSAlgorithm.HS256, null,
				(claims) -> valid("ann").accept(claims.issuer("https://issuer.example").audience("sluice"))),
				(result) -> assertThat(result.userId()).isEqualTo("ann"));
		assertRefused(jwt, sign(signer, JWSAlgorithm.HS256, null,
				(claims) -> valid("ann").accept(claims.issuer("https://elsewhere.example").audience("sluice"))),
				JwtAuthenticator.INVALID);
		assertRefused(jwt, sign(signer, JWSAlgorithm.HS256, null,
				(claims) -> valid("ann").accept(claims.issuer("https://issuer.example").audience("someone-else"))),
				JwtAuthenticator.INVALID);
		assertRefused(jwt, sign(signer, JWSAlgorithm.HS256, null,
				(claims) -> valid("ann").accept(claims.issuer("https://issuer.example"))), JwtAuthenticator.INVALID);
	}

	@Test
	void tokenWithANewKeyIdIsAcceptedOnceTheRotatedKeySetIsFetched() throws Exception {
		RSAKey first = rsaJwk("first");
		RSAKey second = rsaJwk("second");
		AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(first.toPublicJWK()));
		AtomicInteger fetches = new AtomicInteger();
		URI url = serveJwks(published, fetches);
		AtomicLong nanos = new AtomicLong();
		JwtAuthenticator jwt = new JwtAuthenticator(properties(null, null, null, url, null, List.of()),
				HttpClient.create(), nanos::get);
		StepVerifier.create(jwt.warmUp()).expectComplete().verify(VERIFY);
		assertThat(fetches).hasValue(1);
		assertAccepted(jwt, sign(new RSASSASigner(first), JWSAlgorithm.RS256, "first", valid("ann")),
				(result) -> assertThat(result.userId()).isEqualTo("ann"));
		assertThat(fetches).as("a key held is not fetched again").hasValue(1);

		published.set(new JWKSet(List.of(first.toPublicJWK(), second.toPublicJWK())));
		nanos.addAndGet(Duration.ofSeconds(10).toNanos());
		String rotated = sign(new RSASSASigner(second), JWSAlgorithm.RS256, "second", valid("bob"));
		assertRefused(jwt, rotated, JwtAuthenticator.INVALID);
		assertThat(fetches).as("10 s after the last fetch: not yet fetched again").hasValue(1);
		nanos.addAndGet(Duration.ofSeconds(20).toNanos());
		assertAccepted(jwt, sign(new RSASSASigner(second), JWSAlgorithm.RS256, "second", valid("bob")),
				(result) -> assertThat(result.userId()).isEqualTo("bob"));
		assertThat(fetches).hasValue(2);
	}

	@Test
	void unknownKeyIdsFetchTheKeySetAtMostOncePerInterval() throws Exception {
		RSAKey held = rsaJwk("held");
		AtomicInteger fetches = new AtomicInteger();
		URI url = serveJwks(new AtomicReference<>(new JWKSet(held.toPublicJWK())), fetches);
		JwtAuthenticator jwt = new JwtAuthenticator(properties(null, null, null, url, null, List.of()));
		StepVerifier.create(jwt.warmUp()).expectComplete().verify(VERIFY);
		RSAKey stranger = rsaJwk("stranger");
		for (int i = 0; i < 20; i++) {
			assertRefused(jwt, sign(new RSASSASigner(stranger), JWSAlgorithm.RS256, "made-up-" + i, valid("eve")),
					JwtAuthenticator.INVALID);
		}
		assertThat(fetches).as("the start-up fetch, then none within jwks-min-refetch-interval").hasValue(1);
		assertAccepted(jwt, sign(new RSASSASigner(held), JWSAlgorithm.RS256, "held", valid("ann")),
				(result) -> assertThat(result.userId()).isEqualTo("ann"));
	}

	@Test
	void keySetsAreFetchedWithoutBlockingAndFailuresKeepTheKeysHeld() throws Exception {
		RSAKey held = rsaJwk("held");
		AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(held.toPublicJWK()));
		AtomicInteger fetches = new AtomicInteger();
		URI url = serveJwks(published, fetches);
		long[] now = { 0 };
		JwksKeys keys = new JwksKeys(url, HttpClient.create(), Duration.ofMinutes(5),
				Duration.ofSeconds(30), Duration.ofSeconds(5), () -> now[0]);
		StepVerifier.create(keys.keysFor("held")).assertNext((set) -> assertThat(set.getKeyByKeyId("held")).isNotNull())
			.expectComplete()
			.verify(VERIFY);
		this.jwksServer.stop(0);
		now[0] += Duration.ofMinutes(6).toNanos();
		StepVerifier.create(keys.keysFor("held"))
			.assertNext((set) -> assertThat(set.getKeyByKeyId("held")).as("kept after a failed fetch").isNotNull())
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void settingsAreCheckedNamingTheProperty() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties(null, null, null, null, null, List.of()))
			.withMessageContaining("Exactly one of sluice.auth.jwt.secret");
		assertThatIllegalArgumentException().isThrownBy(() -> JwtProperties.ofSecret("short"))
			.withMessageContaining("sluice.auth.jwt.secret must be at least 32 bytes");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> properties(null, null, null, URI.create("jwks.json"), null, List.of()))
			.withMessageContaining("sluice.auth.jwt.jwks-url must be an http or https URL");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JwtAuthenticator(properties(null, "not a key", null, null, null, List.of())))
			.withMessageContaining("sluice.auth.jwt.public-key must be");
		Path missing = this.directory.resolve("missing.pem");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JwtAuthenticator(properties(null, null, missing, null, null, List.of())))
			.withMessageContaining("sluice.auth.jwt.public-key-location: cannot read");
	}

	private URI serveJwks(AtomicReference<JWKSet> published, AtomicInteger fetches) throws Exception {
		this.jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.jwksServer.createContext("/jwks.json", (exchange) -> {
			fetches.incrementAndGet();
			byte[] body = published.get().toString().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.jwksServer.start();
		return URI.create("http://127.0.0.1:" + this.jwksServer.getAddress().getPort() + "/jwks.json");
	}

	static JwtProperties properties(String secret, String publicKey, Path publicKeyLocation, URI jwksUrl, String issuer,
			List<String> audience) {
		return new JwtProperties(secret, publicKey, publicKeyLocation, jwksUrl, issuer, audience, "sub", "serverData",
				"clientData", Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(30),
				Duration.ofSeconds(5));
	}

	private static void assertAccepted(JwtAuthenticator jwt, String token, Consumer<AuthResult> more) {
		StepVerifier.create(jwt.authenticate(CONNECTION, json.createObjectNode().put("token", token)))
			.assertNext((result) -> {
				assertThat(result.accepted()).as(text(result.clientData())).isTrue();
				more.accept(result);
			})
			.expectComplete()
			.verify(VERIFY);
	}

	private static void assertRefused(JwtAuthenticator jwt, String token, byte[] reason) {
		StepVerifier.create(jwt.authenticate(CONNECTION, json.createObjectNode().put("token", token)))
			.assertNext((result) -> {
				assertThat(result.accepted()).isFalse();
				assertThat(text(result.clientData())).isEqualTo(text(reason));
			})
			.expectComplete()
			.verify(VERIFY);
	}

	static Consumer<JWTClaimsSet.Builder> valid(String subject) {
		return (claims) -> claims.subject(subject).expirationTime(Date.from(Instant.now().plusSeconds(600)));
	}

	static String sign(JWSSigner signer, JWSAlgorithm algorithm, String keyId, Consumer<JWTClaimsSet.Builder> claims)
			throws Exception {
		JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
		claims.accept(builder);
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), builder.build());
		jwt.sign(signer);
		return jwt.serialize();
	}

	private static RSAKey rsaJwk(String keyId) throws Exception {
		KeyPair pair = keyPair("RSA");
		return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
			.keyID(keyId)
			.build();
	}

	private static KeyPair keyPair(String algorithm) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
		generator.initialize(2048);
		return generator.generateKeyPair();
	}

	private static KeyPair ecKeyPair() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		KeyPair pair = generator.generateKeyPair();
		assertThat(pair.getPublic()).isInstanceOf(ECPublicKey.class);
		return pair;
	}

	static String pem(PublicKey key) {
		return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
	}


}
