package io.sluice.record.remote;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where the record-service instances are, for a process with {@code sluice.records.mode=remote}
 * ({@code sluice.records.remote.*}). Instances come from {@code instances}, from {@code dnsName}, or both.
 *
 * @param instances record-service instances as {@code host:port}
 * @param dnsName a DNS name whose every address is an instance (a Kubernetes headless service), or empty
 * @param dnsPort the records API port of the instances found through {@code dnsName}
 * @param dnsInterval how often {@code dnsName} is resolved again
 * @param probeInterval how often every instance is probed; one that fails leaves the live set, one that answers
 *     rejoins it
 * @param probeTimeout how long a probe waits for its answer
 * @param callTimeout how long a call waits for its answer (more than the instances' {@code drain-timeout}, so that
 *     their own error arrives first)
 * @param maxMessageSize the largest reply accepted
 * @param ssl TLS to the instances; plaintext unless {@code ssl.bundle} names an SSL bundle
 */
@ConfigurationProperties("sluice.records.remote")
public record RemoteRecordServiceProperties(@DefaultValue List<String> instances, String dnsName,
		@DefaultValue("7070") int dnsPort, @DefaultValue("10s") Duration dnsInterval,
		@DefaultValue("2s") Duration probeInterval, @DefaultValue("3s") Duration probeTimeout,
		@DefaultValue("15s") Duration callTimeout, @DefaultValue("16MB") DataSize maxMessageSize,
		@DefaultValue Ssl ssl) {

	/**
	 * TLS to the record-service instances.
	 * @param bundle the SSL bundle ({@code spring.ssl.bundle.*}) whose trust store decides which servers are
	 *     trusted and whose key, when it has one, is presented for mutual TLS; empty for plaintext
	 * @param authority the name the instances' certificates are checked against, when it is not the host each is
	 *     reached by (a certificate for a Kubernetes Service reached through its pods' addresses); empty for the host
	 */
	public record Ssl(String bundle, String authority) {

		public Ssl {
			bundle = (bundle != null && !bundle.isBlank()) ? bundle.strip() : null;
			authority = (authority != null && !authority.isBlank()) ? authority.strip() : null;
			if (authority != null && bundle == null) {
				throw new IllegalArgumentException(
						"sluice.records.remote.ssl.authority needs TLS: set sluice.records.remote.ssl.bundle");
			}
		}

	}

	public RemoteRecordServiceProperties {
		instances = (instances != null) ? List.copyOf(instances) : List.of();
		ssl = (ssl != null) ? ssl : new Ssl(null, null);
		require(dnsPort >= 1 && dnsPort <= 65535, "sluice.records.remote.dns-port must be from 1 to 65535, was "
				+ dnsPort);
		requirePositive(dnsInterval, "dns-interval");
		requirePositive(probeInterval, "probe-interval");
		requirePositive(probeTimeout, "probe-timeout");
		requirePositive(callTimeout, "call-timeout");
		require(maxMessageSize != null && maxMessageSize.toBytes() >= 1024
				&& maxMessageSize.toBytes() <= Integer.MAX_VALUE,
				"sluice.records.remote.max-message-size must be from 1KB to 2GB, was " + maxMessageSize);
	}

	private static void requirePositive(Duration duration, String name) {
		require(duration != null && duration.toMillis() >= 1,
				"sluice.records.remote." + name + " must be at least 1ms, was " + duration);
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

}
