package io.sluice.record.api;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the internal records API server ({@code sluice.records.api.*}), which a record-service deployable
 * runs so that gateways elsewhere can reach its records.
 *
 * @param enabled whether this process serves the API (only a record-service deployable does; in one JVM the
 *     gateway calls the record service in-process)
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param maxMessageSize the largest request accepted (a batch of writes, say)
 * @param shutdownGrace how long a stopping server lets calls in progress finish
 * @param ssl TLS for the API; plaintext unless {@code ssl.bundle} names an SSL bundle
 * @param instanceId what this instance answers a gateway's probe with, and gateways then rank it by for each record
 *     instead of the address they reach it at: set it, unique per instance and kept across restarts, when gateways
 *     reach the instances at different addresses (through proxies, by other names), so that they agree on which
 *     instance owns a record; empty to be ranked by address
 */
@ConfigurationProperties("sluice.records.api")
public record RecordApiProperties(@DefaultValue("false") boolean enabled, @DefaultValue("0.0.0.0") String host,
		@DefaultValue("7070") int port, @DefaultValue("16MB") DataSize maxMessageSize,
		@DefaultValue("10s") Duration shutdownGrace, @DefaultValue Ssl ssl, String instanceId) {

	/**
	 * TLS for the records API.
	 * @param bundle the SSL bundle ({@code spring.ssl.bundle.*}) whose certificate and key the server presents;
	 *     empty for plaintext
	 * @param clientAuth whether clients must present a certificate that the bundle's trust store trusts
	 */
	public record Ssl(String bundle, @DefaultValue("none") RecordApiTls.ClientCertificates clientAuth) {

		public Ssl {
			bundle = (bundle != null && !bundle.isBlank()) ? bundle.strip() : null;
			if (bundle == null && clientAuth != RecordApiTls.ClientCertificates.NONE) {
				throw new IllegalArgumentException("sluice.records.api.ssl.client-auth=" + clientAuth.name()
					.toLowerCase(java.util.Locale.ROOT) + " needs TLS: set sluice.records.api.ssl.bundle");
			}
		}

	}

	public RecordApiProperties {
		ssl = (ssl != null) ? ssl : new Ssl(null, RecordApiTls.ClientCertificates.NONE);
		instanceId = (instanceId != null && !instanceId.isBlank()) ? instanceId.strip() : null;
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("sluice.records.api.port must be from 0 to 65535, was " + port);
		}
		if (maxMessageSize == null || maxMessageSize.toBytes() < 1024 || maxMessageSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"sluice.records.api.max-message-size must be from 1KB to 2GB, was " + maxMessageSize);
		}
		if (shutdownGrace == null || shutdownGrace.isNegative()) {
			throw new IllegalArgumentException(
					"sluice.records.api.shutdown-grace must not be negative, was " + shutdownGrace);
		}
	}

}
