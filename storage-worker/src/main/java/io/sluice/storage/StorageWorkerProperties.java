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
 * @param shutdownTimeout on stop, how long the batches being written may take to be stored and committed
 * @param breaker the circuit breaker around store writes ({@code sluice.worker.breaker.*})
 */
@ConfigurationProperties("sluice.worker")
public record StorageWorkerProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("100ms") Duration minBackoff, @DefaultValue("10s") Duration maxBackoff,
		@DefaultValue("20s") Duration shutdownTimeout, @DefaultValue Breaker breaker) {

	public StorageWorkerProperties {
		requirePositive(minBackoff, "sluice.worker.min-backoff");
		requirePositive(maxBackoff, "sluice.worker.max-backoff");
		if (maxBackoff.compareTo(minBackoff) < 0) {
			throw new IllegalArgumentException("sluice.worker.max-backoff (" + maxBackoff
					+ ") must not be below sluice.worker.min-backoff (" + minBackoff + ")");
		}
		requirePositive(shutdownTimeout, "sluice.worker.shutdown-timeout");
		if (breaker == null) {
			throw new IllegalArgumentException("sluice.worker.breaker must be set");
		}
	}

	/** The defaults, with the given backoff; for code that builds a worker without Spring. */
	public static StorageWorkerProperties withBackoff(Duration minBackoff, Duration maxBackoff) {
		return new StorageWorkerProperties(true, minBackoff, maxBackoff, Duration.ofSeconds(20), Breaker.DEFAULTS);
	}

	/**
	 * The circuit breaker around store writes. Over the last {@code slidingWindow} writes (once at least
	 * {@code minimumCalls} were made), a failure rate at or above {@code failureRateThreshold} percent opens it:
	 * no write reaches the store for {@code openWait}, then {@code halfOpenCalls} probe writes decide whether it
	 * closes again or stays open for another {@code openWait}. Batches are retried all the while and nothing is
	 * committed until the store has them.
	 *
	 * @param failureRateThreshold percentage of failed writes (1 to 100) that opens the breaker
	 * @param slidingWindow how many of the latest writes the failure rate is taken over
	 * @param minimumCalls writes needed in the window before the rate counts
	 * @param openWait how long an open breaker keeps writes from the store before it lets probes through
	 * @param halfOpenCalls probe writes let through after {@code openWait}
	 */
	public record Breaker(@DefaultValue("50") int failureRateThreshold, @DefaultValue("10") int slidingWindow,
			@DefaultValue("5") int minimumCalls, @DefaultValue("10s") Duration openWait,
			@DefaultValue("1") int halfOpenCalls) {

		/** The defaults, as bound when nothing is set. */
		public static final Breaker DEFAULTS = new Breaker(50, 10, 5, Duration.ofSeconds(10), 1);

		public Breaker {
			if (failureRateThreshold < 1 || failureRateThreshold > 100) {
				throw new IllegalArgumentException(
						"sluice.worker.breaker.failure-rate-threshold must be a percentage from 1 to 100, was "
								+ failureRateThreshold);
			}
			if (slidingWindow < 1) {
				throw new IllegalArgumentException(
						"sluice.worker.breaker.sliding-window must be at least 1, was " + slidingWindow);
			}
			if (minimumCalls < 1 || minimumCalls > slidingWindow) {
				throw new IllegalArgumentException("sluice.worker.breaker.minimum-calls must be from 1 to "
						+ "sluice.worker.breaker.sliding-window (" + slidingWindow + "), was " + minimumCalls);
			}
			requirePositive(openWait, "sluice.worker.breaker.open-wait");
			if (halfOpenCalls < 1) {
				throw new IllegalArgumentException(
						"sluice.worker.breaker.half-open-calls must be at least 1, was " + halfOpenCalls);
			}
		}

	}

	private static void requirePositive(Duration value, String property) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be positive, was " + value);
		}
	}

}
