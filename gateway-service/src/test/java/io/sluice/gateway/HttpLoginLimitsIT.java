package io.sluice.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.sluice.gateway.http.HttpTokens;
import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.RefusedLogins;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused logins through the HTTP API count against the same allowance per address as WebSocket logins
 * ({@code max-refused-logins-per-second}, ten at once by default): once an address has used it up, deepstream's
 * endpoint answers 429 and the REST API the problem {@code too-many-refused-logins}, both with {@code Retry-After},
 * without asking the authenticator (a valid JWT is refused too), and a WebSocket login from that address is ended
 * with {@code TOO_MANY_AUTH_ATTEMPTS}. A token of {@code /api/auth} is checked without the authenticator and still
 * works. One test: the allowance is the context's, for the loopback address every request comes from, on a clock
 * that stands still so that no refusal is given back while the test runs.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sluice.auth.type=jwt", "sluice.auth.jwt.secret=" + HttpLoginLimitsIT.SECRET,
				"sluice.http.enable-auth-endpoint=true" })
@Import(HttpLoginLimitsIT.StoppedClock.class)
class HttpLoginLimitsIT {

	static final String SECRET = "the-login-limits-secret-of-32-bytes!";

	@TestConfiguration(proxyBeanMethods = false)
	static class StoppedClock {

		@Bean
		RefusedLogins refusedLogins() {
			return new RefusedLogins(1, () -> 42L);
		}

	}

	@LocalServerPort
	int port;

	@Autowired
	HttpTokens tokens;

	@Test
	void refusalsThroughEitherHttpApiUseUpTheAddressesAllowanceForEveryWayIn() throws Exception {
		WebTestClient http = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
		String good = jwt(SECRET);
		String forged = jwt("another-secret-of-at-least-32-bytes!!");
		for (int i = 0; i < 5; i++) {
			http.post().uri("/api/auth").contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"token\":\"" + forged + "\"}").exchange()
				.expectStatus().isUnauthorized();
			http.get().uri("/api/v1/records/login-limits/a").header(HttpHeaders.AUTHORIZATION, "Bearer " + forged)
				.exchange()
				.expectStatus().isUnauthorized();
		}

		http.post().uri("/api").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"authData\":{\"token\":\"" + good + "\"},\"body\":[{\"topic\":\"event\",\"eventName\":"
					+ "\"login-limits/e\",\"action\":\"emit\",\"data\":1}]}")
			.exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().value(HttpHeaders.RETRY_AFTER, (seconds) -> assertThat(Long.parseLong(seconds)).isPositive())
			.expectBody(String.class)
			.value((text) -> assertThat(text).startsWith("Too many refused logins from this address"));
		http.get().uri("/api/v1/records/login-limits/a").header(HttpHeaders.AUTHORIZATION, "Bearer " + good)
			.exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://sluice.io/problems/too-many-refused-logins")
			.jsonPath("$.code").isEqualTo("TOO_MANY_REFUSED_LOGINS");

		String ours = this.tokens.issue("login-limits-user", null, null);
		http.get().uri("/api/v1/records/login-limits/a").header(HttpHeaders.AUTHORIZATION, "Bearer " + ours)
			.exchange()
			.expectStatus().isNotFound();

		try (TestClient client = new TestClient(this.port)) {
			client.send(Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).url("ws://test").build());
			assertThat(client.next().action()).isEqualTo(ConnectionAction.ACCEPT);
			client.send(Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{\"token\":\"" + good + "\"}").build());
			assertThat(client.next().action()).isEqualTo(AuthAction.AUTH_UNSUCCESSFUL);
			assertThat(client.next().action()).isEqualTo(AuthAction.TOO_MANY_AUTH_ATTEMPTS);
		}
	}

	private static String jwt(String secret) throws JOSEException {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("login-limits-user")
			.expirationTime(Date.from(Instant.now().plusSeconds(3600)))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		jwt.sign(new MACSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		return jwt.serialize();
	}

}
