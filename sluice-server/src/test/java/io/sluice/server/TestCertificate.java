package io.sluice.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made by the JDK's own {@code keytool},
 * in a PKCS#12 key store and as PEM files: the certificate (which is also what a client trusts, as Node's
 * {@code NODE_EXTRA_CA_CERTS}) and its private key (PKCS#8).
 *
 * @param keyStore the PKCS#12 key store, password {@link #PASSWORD}, alias {@link #ALIAS}
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem the private key, PEM
 * @param certificate the certificate
 */
record TestCertificate(Path keyStore, Path certificatePem, Path privateKeyPem, X509Certificate certificate) {

	static final String PASSWORD = "changeit";

	static final String ALIAS = "sluice";

	/** Makes one in {@code directory}, its files named after {@code name}, for the subject {@code CN=name}. */
	static TestCertificate create(Path directory, String name) throws IOException, InterruptedException,
			GeneralSecurityException {
		Files.createDirectories(directory);
		Path keyStore = directory.resolve(name + ".p12");
		Files.deleteIfExists(keyStore);
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg",
				"EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=" + name, "-ext",
				"SAN=dns:localhost,ip:127.0.0.1", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
				"-storepass", PASSWORD, "-keypass", PASSWORD))
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve(name + "-keytool.out").toFile())
			.start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
		assertThat(process.exitValue()).as("keytool's exit status (its output is in %s)", directory).isZero();
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, PASSWORD.toCharArray());
		}
		X509Certificate certificate = (X509Certificate) store.getCertificate(ALIAS);
		PrivateKey key = (PrivateKey) store.getKey(ALIAS, PASSWORD.toCharArray());
		Path certificatePem = directory.resolve(name + ".crt");
		Path privateKeyPem = directory.resolve(name + ".key");
		Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
		Files.writeString(privateKeyPem, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
		return new TestCertificate(keyStore, certificatePem, privateKeyPem, certificate);
	}

	/** A TLS context that trusts this certificate only. */
	SSLContext trustingIt() throws GeneralSecurityException, IOException {
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry(ALIAS, this.certificate);
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trusted);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
			.encodeToString(der) + "\n-----END " + type + "-----\n";
	}

}
