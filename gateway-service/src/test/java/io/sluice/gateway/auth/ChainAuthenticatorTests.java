package io.sluice.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.sluice.gateway.auth.FileAuthenticatorTests.text;
import static org.assertj.core.api.Assertions.assertThat;

class ChainAuthenticatorTests {

	private static final Duration VERIFY = Duration.ofSeconds(5);

	private static final ConnectionData CONNECTION = new ConnectionData("127.0.0.1", Map.of(), null);

	private static final JsonMapper json = JsonMapper.builder().build();

	final List<String> asked = new ArrayList<>();

	@Test
	void firstToAcceptWinsAndTheRestAreNotAsked() {
		ChainAuthenticator chain = new ChainAuthenticator(
				List.of(refusing("one", "no from one"), accepting("two"), accepting("three")));
		StepVerifier.create(chain.authenticate(CONNECTION, json.createObjectNode()))
			.assertNext((result) -> assertThat(result.userId()).isEqualTo("two"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.asked).containsExactly("one", "two");
	}

	@Test
	void allRefusingGivesTheLastReason() {
		ChainAuthenticator chain = new ChainAuthenticator(
				List.of(refusing("one", "no from one"), refusing("two", "no from two")));
		StepVerifier.create(chain.authenticate(CONNECTION, json.createObjectNode()))
			.assertNext((result) -> {
				assertThat(result.accepted()).isFalse();
				assertThat(text(result.clientData())).isEqualTo("\"no from two\"");
			})
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.asked).containsExactly("one", "two");
	}

	@Test
	void strategiesThatDoNotRecogniseTheLoginAreSkippedAndTheirReasonsNotGiven() {
		ChainAuthenticator chain = new ChainAuthenticator(List.of(refusing("password", "wrong password"),
				unrecognising("token", "missing token")));
		StepVerifier.create(chain.authenticate(CONNECTION, json.createObjectNode()))
			.assertNext((result) -> assertThat(text(result.clientData())).isEqualTo("\"wrong password\""))
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.asked).containsExactly("password");
	}

	@Test
	void loginNoStrategyRecognisesGetsTheLastStrategysReason() {
		ChainAuthenticator chain = new ChainAuthenticator(
				List.of(unrecognising("password", "missing password"), unrecognising("token", "missing token")));
		StepVerifier.create(chain.authenticate(CONNECTION, json.createObjectNode()))
			.assertNext((result) -> assertThat(text(result.clientData())).isEqualTo("\"missing token\""))
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void usersFileAndJwtChainedLetEitherKindOfLoginIn() throws Exception {
		PasswordHash md5 = new PasswordHash("md5", 100, 32);
		FileAuthenticator file = new FileAuthenticator(
				UsersFile.read(FileAuthenticatorTests.resource("deepstream-md5-users.yml"), md5), md5,
				Schedulers.immediate());
		String secret = "a secret of at least thirty-two bytes, for HS256";
		ChainAuthenticator chain = new ChainAuthenticator(
				List.of(file, new JwtAuthenticator(JwtProperties.ofSecret(secret))));
		String token = JwtAuthenticatorTests.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)),
				JWSAlgorithm.HS256, null, JwtAuthenticatorTests.valid("jay"));
		StepVerifier.create(chain.authenticate(CONNECTION, json.createObjectNode().put("token", token)))
			.assertNext((result) -> assertThat(result.userId()).isEqualTo("jay"))
			.expectComplete()
			.verify(VERIFY);
		StepVerifier.create(chain.authenticate(CONNECTION,
				json.createObjectNode().put("username", "alice").put("password", "correct horse")))
			.assertNext((result) -> assertThat(result.userId()).isEqualTo("alice"))
			.expectComplete()
			.verify(VERIFY);
		StepVerifier.create(chain.authenticate(CONNECTION,
				json.createObjectNode().put("username", "alice").put("password", "wrong")))
			.assertNext((result) -> {
				assertThat(result.accepted()).isFalse();
				assertThat(result.clientData()).as("the users file's refusal, not JWT's missing token").isNull();
			})
			.expectComplete()
			.verify(VERIFY);
	}

	private Authenticator accepting(String name) {
		return (connection, authData) -> {
			this.asked.add(name);
			return Mono.just(AuthResult.accepted(name, null, null));
		};
	}

	private Authenticator refusing(String name, String reason) {
		return (connection, authData) -> {
			this.asked.add(name);
			return Mono.just(AuthResult.refused(reason));
		};
	}

	private Authenticator unrecognising(String name, String reason) {
		return new Authenticator() {

			@Override
			public Mono<AuthResult> authenticate(ConnectionData connection, JsonNode authData) {
				asked.add(name);
				return Mono.just(AuthResult.refused(reason));
			}

			@Override
			public boolean recognises(JsonNode authData) {
				return false;
			}

		};
	}

}
