package io.sluice.storage;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the storage worker ({@code sluice.worker.*}).
 *
 * @param enabled whether this process drains the storage queue
 * @param minBackoff the first wait after a failed store write
 * @param maxBackoff the longest wait between retries
 */
@ConfigurationProperties("sluice.worker")
public record StorageWorkerProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("100ms") Duration minBackoff, @DefaultValue("10s") Duration maxBackoff) {

	public StorageWorkerProperties {
		if (minBackoff.isNegative() || minBackoff.isZero()) {
			throw new IllegalArgumentException("sluice.worker.min-backoff must be positive, was " + minBackoff);
		}
		if (maxBackoff.compareTo(minBackoff) < 0) {
			throw new IllegalArgumentException("sluice.worker.max-backoff (" + maxBackoff
					+ ") must not be below sluice.worker.min-backoff (" + minBackoff + ")");
		}
	}

}
