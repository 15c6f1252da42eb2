package io.sluice.record.write;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.sluice.record.RecordService;

/**
 * Settings of the record service ({@code sluice.records.*}).
 *
 * @param casAttempts how many times a write is judged again when another node's write beat it in the cache
 * @param storeBatchSize the most writes committed together when writing straight to the store
 * @param maxNestingDepth the deepest nesting of arrays and objects accepted in record data
 * @param drainTimeout how long a read that missed the cache waits for the storage queue to hand the store every
 *     acknowledged write to the record, before it fails (no storage worker running, say)
 * @param mode where this process's {@link RecordService} keeps records: {@code local} over its own connectors, or
 *     {@code remote}, calling record-service instances over the internal API ({@code sluice.records.remote.*})
 * @param ttl time to live by name: a regular expression matching whole record names, to how long after each write
 *     a record of such a name expires (the shortest, when several match); none by default
 * @param expiryInterval how often the records past their deadline are looked for and deleted: the most a record
 *     outlives its deadline, but for the time its delete takes
 * @param expiryBatchSize the most expired records one sweep takes from the store (those written by this process
 *     since it started are all taken)
 */
@ConfigurationProperties("sluice.records")
public record RecordServiceProperties(@DefaultValue("16") int casAttempts, @DefaultValue("1000") int storeBatchSize,
		@DefaultValue("64") int maxNestingDepth, @DefaultValue("10s") Duration drainTimeout,
		@DefaultValue("local") Mode mode, Map<String, Duration> ttl, @DefaultValue("1s") Duration expiryInterval,
		@DefaultValue("1000") int expiryBatchSize) {

	public RecordServiceProperties {
		require(casAttempts >= 1, "sluice.records.cas-attempts must be at least 1, was " + casAttempts);
		require(storeBatchSize >= 1, "sluice.records.store-batch-size must be at least 1, was " + storeBatchSize);
		require(maxNestingDepth >= 1 && maxNestingDepth <= 1000,
				"sluice.records.max-nesting-depth must be from 1 to 1000, was " + maxNestingDepth);
		require(drainTimeout != null && drainTimeout.toMillis() >= 1,
				"sluice.records.drain-timeout must be at least 1ms, was " + drainTimeout);
		ttl = (ttl != null) ? Map.copyOf(ttl) : Map.of();
		require(expiryInterval != null && expiryInterval.toMillis() >= 10 && expiryInterval.toMinutes() < 60,
				"sluice.records.expiry-interval must be from 10ms to under 1h, was " + expiryInterval);
		require(expiryBatchSize >= 1 && expiryBatchSize <= 100_000,
				"sluice.records.expiry-batch-size must be from 1 to 100000, was " + expiryBatchSize);
	}

	/** Where the records are served from. */
	public enum Mode {

		/** By this process, over its own cache, store and queue. */
		LOCAL,

		/** By record-service instances elsewhere, over the internal records API. */
		REMOTE

	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

}
