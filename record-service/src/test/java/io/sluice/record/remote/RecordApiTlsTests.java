package io.sluice.record.remote;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;

import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.record.RecordUnavailableException;
import io.sluice.record.api.RecordApiTls;
import io.sluice.record.feed.RecordChanges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The records API over TLS from SSL bundles, with certificates the JDK's {@code keytool} makes for the test: a
 * client that trusts the server's certificate reads and writes; one that does not, or speaks plaintext, is refused;
 * with client certificates required (mutual TLS), only a client presenting one the server trusts gets through. Bad
 * settings stop the start naming the property.
 */
class RecordApiTlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String PASSWORD = "changeit";

	@TempDir
	static Path directory;

	/** The server's key (CN=localhost, for localhost and 127.0.0.1), and a store trusting its certificate. */
	private static Path serverKey;

	private static Path trustsServer;

	/** A gateway's key, and a store trusting its certificate: the server's trust for mutual TLS. */
	private static Path gatewayKey;

	private static Path trustsGateway;

	/** A key nobody trusts, and a store trusting only its own certificate. */
	private static Path strangerKey;

	private static Path trustsStranger;

	private final InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();

	private final List<AutoCloseable> closing = new ArrayList<>();

	@BeforeAll
	static void certificates() throws IOException, InterruptedException {
		serverKey = keyPair("server", "localhost", "dns:localhost,ip:127.0.0.1");
		trustsServer = trustStore("server", serverKey);
		gatewayKey = keyPair("gateway", "gateway", "dns:gateway");
		trustsGateway = trustStore("gateway", gatewayKey);
		strangerKey = keyPair("stranger", "localhost", "dns:localhost,ip:127.0.0.1");
		trustsStranger = trustStore("stranger", strangerKey);
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable each : this.closing) {
			each.close();
		}
	}

	@Test
	void aClientTrustingTheServersCertificateReadsAndWrites() throws Exception {
		LocalRecordServer server = server("none");
		RemoteRecordService remote = client(server, RecordApiTls.client(bundles(null, trustsServer), "client", "p"));
		StepVerifier.create(remote.set("tls/a", 1, "{\"v\":1}".getBytes(), "c1"))
			.assertNext((written) -> assertThat(written.version()).isEqualTo(1))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(remote.read("tls/a"))
			.assertNext((read) -> assertThat(read.json()).isEqualTo("{\"v\":1}"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aClientThatDoesNotTrustTheServerOrSpeaksPlaintextIsRefused() throws Exception {
		LocalRecordServer server = server("none");
		RemoteRecordService distrusting = client(server,
				RecordApiTls.client(bundles(null, trustsStranger), "client", "p"));
		assertRefused(distrusting, "tls/b");
		RemoteRecordService plaintext = client(server, null);
		assertRefused(plaintext, "tls/b");
	}

	@Test
	void withClientCertificatesRequiredOnlyATrustedOneGetsThrough() throws Exception {
		LocalRecordServer server = server("need");
		RemoteRecordService trusted = client(server,
				RecordApiTls.client(bundles(gatewayKey, trustsServer), "client", "p"));
		StepVerifier.create(trusted.set("tls/c", 1, "{}".getBytes(), "c1"))
			.assertNext((written) -> assertThat(written.version()).isEqualTo(1))
			.expectComplete()
			.verify(TIMEOUT);

		RemoteRecordService withoutCertificate = client(server,
				RecordApiTls.client(bundles(null, trustsServer), "client", "p"));
		assertRefused(withoutCertificate, "tls/c");
		RemoteRecordService untrustedCertificate = client(server,
				RecordApiTls.client(bundles(strangerKey, trustsServer), "client", "p"));
		assertRefused(untrustedCertificate, "tls/c");
	}

	@Test
	void badSettingsStopTheStartNamingTheProperty() {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> new LocalRecordServer(0, this.medium, "tls-tests-server",
					"sluice.records.api.ssl.client-auth=need"))
			.withStackTraceContaining("sluice.records.api.ssl.client-auth=need needs TLS: set "
					+ "sluice.records.api.ssl.bundle");
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> new LocalRecordServer(0, this.medium, "tls-tests-server",
					"sluice.records.api.ssl.bundle=missing"))
			.withStackTraceContaining("sluice.records.api.ssl.bundle names SSL bundle 'missing', which is not "
					+ "configured under spring.ssl.bundle");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> RecordApiTls.server(bundles(null, trustsServer), "client", RecordApiTls.ClientCertificates.NONE,
					"sluice.records.api.ssl.bundle"))
			.withMessageContaining("has no key store or key");
	}

	private static void assertRefused(RemoteRecordService remote, String name) {
		StepVerifier.create(remote.read(name)).expectError(RecordUnavailableException.class).verify(TIMEOUT);
	}

	private LocalRecordServer server(String clientAuth) {
		LocalRecordServer server = new LocalRecordServer(0, this.medium, "tls-tests-server",
				"spring.ssl.bundle.jks.records.keystore.location=file:" + serverKey,
				"spring.ssl.bundle.jks.records.keystore.password=" + PASSWORD,
				"spring.ssl.bundle.jks.records.keystore.type=PKCS12",
				"spring.ssl.bundle.jks.records.truststore.location=file:" + trustsGateway,
				"spring.ssl.bundle.jks.records.truststore.password=" + PASSWORD,
				"spring.ssl.bundle.jks.records.truststore.type=PKCS12", "sluice.records.api.ssl.bundle=records",
				"sluice.records.api.ssl.client-auth=" + clientAuth);
		this.closing.add(server);
		return server;
	}

	private RemoteRecordService client(LocalRecordServer server, SslContext tls) {
		RecordInstances instances = new RecordInstances(List.of(server.address()), null, 7070,
				RemoteRecordService.connector(1 << 20, tls, null));
		RemoteRecordService remote = new RemoteRecordService(instances,
				RecordChanges.fromBus(new InMemoryMessageBus("tls-tests-gateway", this.medium)), Duration.ofSeconds(5));
		this.closing.add(0, remote::close);
		return remote;
	}

	/** The bundle {@code client}: the key store {@code key} (or none) and the trust store {@code trust}. */
	private static DefaultSslBundleRegistry bundles(Path key, Path trust) {
		try {
			KeyStore keyStore = (key != null) ? KeyStore.getInstance(key.toFile(), PASSWORD.toCharArray()) : null;
			KeyStore trustStore = KeyStore.getInstance(trust.toFile(), PASSWORD.toCharArray());
			return new DefaultSslBundleRegistry("client", SslBundle.of(SslStoreBundle.of(keyStore, PASSWORD,
					trustStore)));
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A PKCS#12 key store holding a new EC key pair and its self-signed certificate. */
	private static Path keyPair(String alias, String commonName, String subjectAlternativeNames)
			throws IOException, InterruptedException {
		Path store = directory.resolve(alias + "-key.p12");
		keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg",
				"SHA256withECDSA", "-dname", "CN=" + commonName, "-ext", "SAN=" + subjectAlternativeNames,
				"-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
				"-keypass", PASSWORD);
		return store;
	}

	/** A PKCS#12 store trusting the certificate of the key pair in {@code keyStore}. */
	private static Path trustStore(String alias, Path keyStore) throws IOException, InterruptedException {
		Path certificate = directory.resolve(alias + ".crt");
		keytool("-exportcert", "-alias", alias, "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-rfc",
				"-file", certificate.toString());
		Path store = directory.resolve("trusts-" + alias + ".p12");
		keytool("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(), "-keystore",
				store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
		return store;
	}

	private static void keytool(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
		assertThat(process.exitValue()).as("keytool %s: %s", arguments[0], output).isZero();
	}

}
