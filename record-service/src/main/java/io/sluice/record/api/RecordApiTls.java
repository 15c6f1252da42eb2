package io.sluice.record.api;

import java.util.List;

import javax.net.ssl.SSLException;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * TLS for the internal records API, from Spring Boot SSL bundles ({@code spring.ssl.bundle.pem.*} or
 * {@code spring.ssl.bundle.jks.*}): the server presents the bundle's key and, when it asks for client
 * certificates (mutual TLS), trusts what the bundle trusts; a client trusts what its bundle trusts and, when the
 * bundle has a key, presents it. The bundle's protocols and ciphers apply when it names them.
 */
public final class RecordApiTls {

	private RecordApiTls() {
	}

	/** How a server treats client certificates ({@code sluice.records.api.ssl.client-auth}). */
	public enum ClientCertificates {

		/** None asked for: TLS only. */
		NONE,

		/** Asked for and checked when given: clients without one are let in. */
		WANT,

		/** Required and checked: mutual TLS. */
		NEED

	}

	/**
	 * The server's TLS from the bundle {@code name}.
	 * @param property the property that named the bundle, for the error when there is no such bundle
	 */
	public static SslContext server(SslBundles bundles, String name, ClientCertificates clientCertificates,
			String property) {
		SslBundle bundle = bundle(bundles, name, property);
		if (bundle.getStores().getKeyStore() == null) {
			throw new IllegalStateException(property + " names SSL bundle '" + name
					+ "', which has no key store or key: the records API needs a certificate and key to serve TLS");
		}
		SslContextBuilder builder = SslContextBuilder.forServer(bundle.getManagers().getKeyManagerFactory());
		if (clientCertificates != ClientCertificates.NONE) {
			builder.trustManager(bundle.getManagers().getTrustManagerFactory())
				.clientAuth((clientCertificates == ClientCertificates.NEED) ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
		}
		return build(GrpcSslContexts.configure(builder), bundle.getOptions(), name);
	}

	/** A client's TLS from the bundle {@code name}: its trust, and its key for mutual TLS when it has one. */
	public static SslContext client(SslBundles bundles, String name, String property) {
		SslBundle bundle = bundle(bundles, name, property);
		SslContextBuilder builder = GrpcSslContexts.forClient()
			.trustManager(bundle.getManagers().getTrustManagerFactory());
		if (bundle.getStores().getKeyStore() != null) {
			builder.keyManager(bundle.getManagers().getKeyManagerFactory());
		}
		return build(builder, bundle.getOptions(), name);
	}

	private static SslBundle bundle(SslBundles bundles, String name, String property) {
		if (bundles == null) {
			throw new IllegalStateException(property + " names SSL bundle '" + name + "', but there are no SSL bundles");
		}
		try {
			return bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new IllegalStateException(property + " names SSL bundle '" + name
					+ "', which is not configured under spring.ssl.bundle", ex);
		}
	}

	private static SslContext build(SslContextBuilder builder, SslOptions options, String name) {
		if (options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		if (options.getCiphers() != null) {
			builder.ciphers(List.of(options.getCiphers()));
		}
		try {
			return builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("SSL bundle '" + name + "' cannot be used for the records API: "
					+ ex.getMessage(), ex);
		}
	}

}
