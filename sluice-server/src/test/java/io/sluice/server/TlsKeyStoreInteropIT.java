package io.sluice.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code wss://} with the real {@code @deepstream/client} ({@code records-events.js}, trusting the test's certificate
 * through {@code NODE_EXTRA_CA_CERTS}) against Sluice with TLS from a PKCS#12 key store ({@code server.ssl.key-store}),
 * and the health check on the same port over HTTPS. Skipped, loudly, when Node.js 18+ and npm are not on the PATH.
 */
@SpringBootTest(classes = SluiceServer.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class TlsKeyStoreInteropIT {

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("tls-keystore-interop");

	private static TestCertificate certificate;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void tls(DynamicPropertyRegistry registry) throws Exception {
		Path directory = Files.createTempDirectory("sluice-tls-keystore");
		certificate = TestCertificate.create(directory, "keystore");
		registry.add("sluice.data-dir", () -> directory.resolve("data").toString());
		registry.add("server.ssl.key-store", () -> "file:" + certificate.keyStore());
		registry.add("server.ssl.key-store-password", () -> TestCertificate.PASSWORD);
		registry.add("server.ssl.key-store-type", () -> "PKCS12");
		registry.add("server.ssl.key-alias", () -> TestCertificate.ALIAS);
	}

	@Test
	void theRealClientWorksOverWssAndTheHealthCheckOverHttps() throws Exception {
		NodeInterop.Run run = interop.node()
			.run("records-events.js", "wss-keystore", List.of("wss://localhost:" + this.port + "/deepstream", "live"),
					Map.of("NODE_EXTRA_CA_CERTS", certificate.certificatePem().toString()), SCENARIO_TIMEOUT);
		assertThat(run.failed()).as(run::describe).isEmpty();
		assertThat(run.checks()).as(run::describe).isNotEmpty();
		assertThat(run.exitStatus()).as(run::describe).isZero();

		HttpClient http = HttpClient.newBuilder().sslContext(certificate.trustingIt()).build();
		HttpResponse<String> health = http.send(
				HttpRequest.newBuilder(URI.create("https://localhost:" + this.port + "/health-check")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(health.statusCode()).isEqualTo(200);
	}

}
