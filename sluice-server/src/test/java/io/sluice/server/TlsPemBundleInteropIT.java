package io.sluice.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code wss://} with the real {@code @deepstream/client} ({@code records-events.js}, trusting the test's certificate
 * through {@code NODE_EXTRA_CA_CERTS}) against Sluice with TLS from a PEM SSL bundle ({@code server.ssl.bundle}),
 * HTTP/2 on: the HTTP API answers on the same port over HTTP/2, and a certificate replaced on disk is served to new
 * connections without a restart ({@code reload-on-update}). Skipped, loudly, when Node.js 18+ and npm are not on the
 * PATH.
 */
@SpringBootTest(classes = SluiceServer.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class TlsPemBundleInteropIT {

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("tls-pem-interop");

	private static Path directory;

	private static TestCertificate first;

	/** The certificate the server serves: the first, until the reload test replaces it. */
	private static volatile TestCertificate serving;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void tls(DynamicPropertyRegistry registry) throws Exception {
		directory = Files.createTempDirectory("sluice-tls-pem");
		first = TestCertificate.create(directory.resolve("made"), "first");
		serving = first;
		Path certificate = directory.resolve("server.crt");
		Path key = directory.resolve("server.key");
		Files.copy(first.certificatePem(), certificate);
		Files.copy(first.privateKeyPem(), key);
		registry.add("sluice.data-dir", () -> directory.resolve("data").toString());
		registry.add("server.http2.enabled", () -> "true");
		registry.add("server.ssl.bundle", () -> "web");
		registry.add("spring.ssl.bundle.pem.web.keystore.certificate", () -> "file:" + certificate);
		registry.add("spring.ssl.bundle.pem.web.keystore.private-key", () -> "file:" + key);
		registry.add("spring.ssl.bundle.pem.web.reload-on-update", () -> "true");
		registry.add("spring.ssl.bundle.watch.file.quiet-period", () -> "500ms");
	}

	@Test
	void theRealClientWorksOverWssAndTheHttpApiOverHttp2OnTheSamePort() throws Exception {
		NodeInterop.Run run = interop.node()
			.run("records-events.js", "wss-live", List.of("wss://localhost:" + this.port + "/deepstream", "live"),
					Map.of("NODE_EXTRA_CA_CERTS", serving.certificatePem().toString()), SCENARIO_TIMEOUT);
		assertThat(run.failed()).as(run::describe).isEmpty();
		assertThat(run.checks()).as(run::describe).isNotEmpty();
		assertThat(run.exitStatus()).as(run::describe).isZero();

		HttpClient http = HttpClient.newBuilder()
			.sslContext(serving.trustingIt())
			.version(HttpClient.Version.HTTP_2)
			.build();
		HttpResponse<String> api = http.send(
				HttpRequest.newBuilder(URI.create("https://localhost:" + this.port + "/api/v1/openapi.json")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(api.statusCode()).isEqualTo(200);
		assertThat(api.version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(api.body()).contains("\"openapi\"");
	}

	@Test
	void aCertificateReplacedOnDiskIsServedWithoutARestart() throws Exception {
		assertThat(presented()).isEqualTo(first.certificate());
		TestCertificate second = TestCertificate.create(directory.resolve("made"), "second");

		Files.copy(second.privateKeyPem(), directory.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
		Files.copy(second.certificatePem(), directory.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);

		await().atMost(RELOAD_TIMEOUT)
			.untilAsserted(() -> assertThat(presented()).isEqualTo(second.certificate()));
		serving = second;
		NodeInterop.Run run = interop.node()
			.run("records-events.js", "wss-after-reload",
					List.of("wss://localhost:" + this.port + "/deepstream", "live"),
					Map.of("NODE_EXTRA_CA_CERTS", second.certificatePem().toString()), SCENARIO_TIMEOUT);
		assertThat(run.failed()).as(run::describe).isEmpty();
		assertThat(run.exitStatus()).as(run::describe).isZero();
	}

	/** The certificate the server presents to a new connection. */
	private X509Certificate presented() throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { new InspectingTrustManager() }, null);
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", this.port)) {
			socket.setSoTimeout(10_000);
			socket.startHandshake();
			return (X509Certificate) socket.getSession().getPeerCertificates()[0];
		}
	}

	/** Takes any certificate: the probe only looks at which one the server presents, it sends nothing. */
	private static final class InspectingTrustManager implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
