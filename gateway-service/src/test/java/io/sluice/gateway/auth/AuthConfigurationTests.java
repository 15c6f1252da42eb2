package io.sluice.gateway.auth;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class AuthConfigurationTests {

	private static final String SECRET = "a secret of at least thirty-two bytes, for HS256";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(AuthConfiguration.class);

	@TempDir
	Path directory;

	@Test
	void openByDefault() {
		this.runner.run((context) -> assertThat(context).getBean(Authenticator.class).isInstanceOf(OpenAuthenticator.class));
	}

	@Test
	void webhookAsBefore() {
		this.runner.withPropertyValues("sluice.auth.type=webhook", "sluice.auth.webhook.url=http://127.0.0.1:9/auth")
			.run((context) -> assertThat(context).getBean(Authenticator.class)
				.isInstanceOf(WebhookAuthenticator.class));
		this.runner.withPropertyValues("sluice.auth.type=webhook")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("sluice.auth.webhook.url"));
	}

	@Test
	void severalTypesMakeAChainInTheirOrder() throws Exception {
		this.runner
			.withPropertyValues("sluice.auth.type=jwt,file", "sluice.auth.jwt.secret=" + SECRET,
					"sluice.auth.file.path=" + FileAuthenticatorTests.resource("deepstream-md5-users.yml"))
			.run((context) -> assertThat(context).getBean(Authenticator.class)
				.isInstanceOf(ChainAuthenticator.class)
				.hasToString("chain [JWT, users file]"));
	}

	@Test
	void usersFileAndJwtAloneAreThemselves() throws Exception {
		this.runner.withPropertyValues("sluice.auth.type=file",
				"sluice.auth.file.path=" + FileAuthenticatorTests.resource("deepstream-sha512-users.json"),
				"sluice.auth.file.hash=sha512", "sluice.auth.file.iterations=1000", "sluice.auth.file.key-length=64")
			.run((context) -> assertThat(context).getBean(Authenticator.class).isInstanceOf(FileAuthenticator.class));
		this.runner.withPropertyValues("sluice.auth.type=jwt", "sluice.auth.jwt.secret=" + SECRET)
			.run((context) -> assertThat(context).getBean(Authenticator.class).isInstanceOf(JwtAuthenticator.class));
	}

	@Test
	void mistakesStopStartUpNamingTheProperty() {
		assertFailure("sluice.auth.file.path", "sluice.auth.type=file");
		assertFailure("cannot read", "sluice.auth.type=file",
				"sluice.auth.file.path=" + this.directory.resolve("missing.yml"));
		assertFailure("sluice.auth.jwt.jwks-url must be an http or https URL", "sluice.auth.type=jwt",
				"sluice.auth.jwt.jwks-url=keys.json");
		assertFailure("sluice.auth.jwt.secret must be at least 32 bytes", "sluice.auth.type=jwt",
				"sluice.auth.jwt.secret=short");
		assertFailure("strategies after it would never be asked", "sluice.auth.type=open,jwt");
		assertFailure("sluice.auth.type", "sluice.auth.type=passwords");
	}

	@Test
	void applicationsOwnAuthenticatorWins() {
		Authenticator own = (connection, authData) -> Mono.just(AuthResult.refused("mine"));
		this.runner.withBean(Authenticator.class, () -> own)
			.withPropertyValues("sluice.auth.type=jwt", "sluice.auth.jwt.secret=" + SECRET)
			.run((context) -> assertThat(context).getBean(Authenticator.class).isSameAs(own));
	}

	private void assertFailure(String message, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining(message);
		});
	}

}
