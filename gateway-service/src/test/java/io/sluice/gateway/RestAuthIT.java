package io.sluice.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.sluice.gateway.http.HttpTokens;

/**
 * The REST resources behind JWT authentication and a permission file: who may call them, and the rules they follow
 * (the same as a WebSocket client's).
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class RestAuthIT {

	private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!";

	@TempDir
	static Path directory;

	@LocalServerPort
	int port;

	@Autowired
	HttpTokens tokens;

	WebTestClient http;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		Path permissions = directory.resolve("permissions.yml");
		try {
			Files.writeString(permissions, """
					record:
					  "*": { create: true, write: true, read: true, delete: true, listen: true, notify: true }
					  "rest-auth/locked/*": { write: false }
					  "rest-auth/own/$owner": { write: "user.id === $owner" }
					event:
					  "*": { publish: true, subscribe: true, listen: true }
					  "rest-auth/quiet": { publish: false }
					rpc:
					  "*": { provide: true, request: true }
					presence:
					  "*": { allow: true }
					""");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		registry.add("sluice.auth.type", () -> "jwt");
		registry.add("sluice.auth.jwt.secret", () -> SECRET);
		registry.add("sluice.permission.type", () -> "config");
		registry.add("sluice.permission.file", permissions::toString);
	}

	@BeforeEach
	void client() {
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
	}

	@Test
	void withoutCredentialsTheRequestIsUnauthorized() {
		this.http.get().uri("/api/v1/records/rest-auth/any").exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://sluice.io/problems/unauthorized")
			.jsonPath("$.detail").isEqualTo("The request needs credentials: Authorization: Bearer <token>");
		this.http.get().uri("/api/v1/records/rest-auth/any").header(HttpHeaders.AUTHORIZATION, "Basic YTpi").exchange()
			.expectStatus().isUnauthorized();
	}

	@Test
	void aTokenNobodyAcceptsIsUnauthorized() {
		this.http.get().uri("/api/v1/records/rest-auth/any").header(HttpHeaders.AUTHORIZATION, "Bearer not-a-token")
			.exchange()
			.expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.detail").value((String detail) -> org.assertj.core.api.Assertions
				.assertThat(detail).startsWith("The credentials were refused: "));
		String expired = jwt("ann", Instant.now().minusSeconds(3600));
		this.http.get().uri("/api/v1/records/rest-auth/any").header(HttpHeaders.AUTHORIZATION, "Bearer " + expired)
			.exchange()
			.expectStatus().isUnauthorized();
	}

	@Test
	void theAuthenticatorsJwtIsAccepted() {
		String token = jwt("rest-jwt-user", Instant.now().plusSeconds(3600));
		this.http.put().uri("/api/v1/records/rest-auth/own/rest-jwt-user").header(HttpHeaders.AUTHORIZATION,
				"Bearer " + token).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"mine\":true}").exchange()
			.expectStatus().isNoContent();
		this.http.put().uri("/api/v1/records/rest-auth/own/someone-else").header(HttpHeaders.AUTHORIZATION,
				"Bearer " + token).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"mine\":false}").exchange()
			.expectStatus().isForbidden();
	}

	@Test
	void aTokenOfTheAuthEndpointIsAccepted() {
		String token = this.tokens.issue("rest-token-user", null, null);
		this.http.put().uri("/api/v1/records/rest-auth/own/rest-token-user").header(HttpHeaders.AUTHORIZATION,
				"Bearer " + token).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"v\":1}").exchange()
			.expectStatus().isNoContent();
		this.http.get().uri("/api/v1/records/rest-auth/own/rest-token-user").header(HttpHeaders.AUTHORIZATION,
				"Bearer " + token).exchange()
			.expectStatus().isOk()
			.expectBody().json("{\"v\":1}", true);
	}

	@Test
	void whatTheRulesDenyIsForbidden() {
		String token = this.tokens.issue("rest-denied-user", null, null);
		this.http.put().uri("/api/v1/records/rest-auth/locked/one").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
			.expectStatus().isForbidden()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("https://sluice.io/problems/message-denied")
			.jsonPath("$.code").isEqualTo("MESSAGE_DENIED");
		this.http.post().uri("/api/v1/events/rest-auth/quiet").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectStatus().isForbidden();
		this.http.post().uri("/api/v1/records:batchSet").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"records\":[{\"name\":\"rest-auth/locked/two\",\"data\":{}},"
					+ "{\"name\":\"rest-auth/open/two\",\"data\":{}}]}")
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.records[0].error.status").isEqualTo(403)
			.jsonPath("$.records[1].version").isEqualTo(1);
	}

	private static String jwt(String subject, Instant expiry) {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
				new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(expiry)).build());
		try {
			jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
