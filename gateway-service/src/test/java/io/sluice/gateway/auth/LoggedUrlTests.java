package io.sluice.gateway.auth;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoggedUrlTests {

	@Test
	void aUrlsUserPartAndQueryAreNotShown() {
		assertThat(LoggedUrl.of(URI.create("https://sluice:s3cret@auth.example.com:8443/login?key=k3y&x=1")))
			.isEqualTo("https://***@auth.example.com:8443/login?***");
	}

	@Test
	void aUrlWithoutSecretsIsShownWhole() {
		assertThat(LoggedUrl.of(URI.create("http://127.0.0.1:9000/auth"))).isEqualTo("http://127.0.0.1:9000/auth");
		assertThat(LoggedUrl.of(URI.create("https://auth.example.com"))).isEqualTo("https://auth.example.com");
	}

}
