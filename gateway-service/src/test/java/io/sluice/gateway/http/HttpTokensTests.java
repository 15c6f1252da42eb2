package io.sluice.gateway.http;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpTokensTests {

	private static final String SECRET = "a secret of at least thirty-two bytes";

	private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

	@Test
	void aTokenCarriesTheUserAndItsDataToEveryGatewayWithTheSameKey() {
		HttpTokens issuer = tokens(SECRET, NOW);
		HttpTokens otherGateway = tokens(SECRET, NOW.plusSeconds(60));

		String token = issuer.issue("alice", utf8("{\"role\":\"admin\"}"), utf8("{\"theme\":\"dark\"}"));
		Caller caller = otherGateway.verify(token);

		assertThat(caller.userId()).isEqualTo("alice");
		assertThat(caller.subject().userData().get("role").asString()).isEqualTo("admin");
		assertThat(new String(caller.clientData(), StandardCharsets.UTF_8)).isEqualTo("{\"theme\":\"dark\"}");
	}

	@Test
	void aTokenWithoutDataHasNone() {
		Caller caller = tokens(SECRET, NOW).verify(tokens(SECRET, NOW).issue("bob", null, null));

		assertThat(caller.subject().userData()).isNull();
		assertThat(caller.clientData()).isNull();
	}

	@Test
	void anExpiredTokenIsRefused() {
		String token = tokens(SECRET, NOW).issue("alice", null, null);

		assertThatThrownBy(() -> tokens(SECRET, NOW.plus(Duration.ofHours(1))).verify(token))
			.isInstanceOf(HttpTokens.InvalidTokenException.class)
			.hasMessage("The token has expired");
	}

	@Test
	void aTokenSignedWithAnotherKeyOrTamperedWithIsRefused() {
		String token = tokens(SECRET, NOW).issue("alice", null, null);
		String[] parts = token.split("\\.");
		String otherUser = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
			.encodeToString(utf8("{\"iss\":\"sluice-http\",\"sub\":\"root\",\"exp\":9999999999}")) + "." + parts[2];

		assertThatThrownBy(() -> tokens("another secret of thirty-two bytes!!", NOW).verify(token))
			.hasMessage("The token's signature is not valid");
		assertThatThrownBy(() -> tokens(SECRET, NOW).verify(otherUser)).hasMessage("The token's signature is not valid");
		assertThatThrownBy(() -> tokens(SECRET, NOW).verify("not a token"))
			.hasMessage("The token is not a token of this server");
	}

	@Test
	void withoutASecretEachProcessHasItsOwnKey() {
		HttpProperties noSecret = HttpProperties.defaults();
		Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
		String token = new HttpTokens(noSecret, clock).issue("alice", null, null);

		assertThatThrownBy(() -> new HttpTokens(noSecret, clock).verify(token))
			.isInstanceOf(HttpTokens.InvalidTokenException.class);
	}

	@Test
	void aShortSecretStopsStartUpNamingTheProperty() {
		assertThatThrownBy(() -> new HttpProperties(true, "/api", "/api/auth", true, false, Duration.ofHours(1),
				"short", Duration.ofSeconds(20), 256))
			.hasMessageContaining("sluice.http.token-secret must be at least 32 bytes");
	}

	@Test
	void aLimitOfRequestsInProgressBelowOneStopsStartUpNamingTheProperty() {
		assertThatThrownBy(() -> new HttpProperties(true, "/api", "/api/auth", true, false, Duration.ofHours(1), "",
				Duration.ofSeconds(20), 0))
			.hasMessageContaining("sluice.http.max-in-flight must be at least 1, was 0");
	}

	private static HttpTokens tokens(String secret, Instant now) {
		return new HttpTokens(new HttpProperties(true, "/api", "/api/auth", true, true, Duration.ofHours(1), secret,
				Duration.ofSeconds(20), 256), Clock.fixed(now, ZoneOffset.UTC));
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
