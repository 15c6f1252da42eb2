package io.sluice.record.write;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The record service's meters, every one registered up front so that counting finds its meter by array index:
 * <ul>
 * <li>{@value #WRITES}, tagged {@code operation} and {@code outcome}: writes answered;</li>
 * <li>{@value #ACKNOWLEDGEMENT}, tagged {@code operation}: the time from a write's request to its acknowledgement,
 * once durable, for the writes that succeeded, with histogram buckets from 250 µs to 10 s, from which Prometheus
 * computes percentiles;</li>
 * <li>{@value #CACHE_READS}, tagged {@code result} ({@code hit} or {@code miss});</li>
 * <li>{@value #CAS_RETRIES}: compare-and-sets lost to another writer, after which the write was judged again;</li>
 * <li>{@value #DRAIN_WAITS}: waits for the storage queue to hand the store a record's pending writes before the
 * store is read (each cache miss, and each cache failure).</li>
 * </ul>
 */
final class RecordServiceMetrics implements RecordServiceListener {

	static final String WRITES = "sluice.record.writes";

	static final String ACKNOWLEDGEMENT = "sluice.record.write.acknowledgement";

	static final String CACHE_READS = "sluice.record.cache.reads";

	static final String CAS_RETRIES = "sluice.record.cas.retries";

	static final String DRAIN_WAITS = "sluice.record.drain.waits";

	/**
	 * Fixed buckets rather than Micrometer's percentile histogram: a dozen series per operation, enough for the
	 * percentiles of a latency that spans a memory journal's fraction of a millisecond to a slow store's seconds.
	 */
	private static final Duration[] BUCKETS = { Duration.ofNanos(250_000), Duration.ofNanos(500_000),
			Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
			Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
			Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
			Duration.ofSeconds(10) };

	private final Counter[][] writes = new Counter[Operation.values().length][Outcome.values().length];

	private final Timer[] acknowledgements = new Timer[Operation.values().length];

	private final Counter hits;

	private final Counter misses;

	private final Counter casRetries;

	private final Timer drainWaits;

	RecordServiceMetrics(MeterRegistry registry) {
		for (Operation operation : Operation.values()) {
			String name = operation.name().toLowerCase(Locale.ROOT);
			for (Outcome outcome : Outcome.values()) {
				this.writes[operation.ordinal()][outcome.ordinal()] = Counter.builder(WRITES)
					.description("Record writes answered, by operation and outcome")
					.tag("operation", name)
					.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
					.register(registry);
			}
			this.acknowledgements[operation.ordinal()] = Timer.builder(ACKNOWLEDGEMENT)
				.description("Time from a record write's request to its acknowledgement, once durable")
				.tag("operation", name)
				.serviceLevelObjectives(BUCKETS)
				.register(registry);
		}
		this.hits = cacheReads(registry, "hit");
		this.misses = cacheReads(registry, "miss");
		this.casRetries = Counter.builder(CAS_RETRIES)
			.description("Compare-and-sets lost to another writer, after which the write was judged again")
			.register(registry);
		this.drainWaits = Timer.builder(DRAIN_WAITS)
			.description("Waits for the storage queue to hand the store a record's pending writes before a store read")
			.register(registry);
	}

	private static Counter cacheReads(MeterRegistry registry, String result) {
		return Counter.builder(CACHE_READS)
			.description("Reads of the record cache, by whether it held the record")
			.tag("result", result)
			.register(registry);
	}

	@Override
	public void written(Operation operation, Outcome outcome, long nanos) {
		this.writes[operation.ordinal()][outcome.ordinal()].increment();
		if (outcome == Outcome.OK) {
			this.acknowledgements[operation.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void cacheRead(boolean hit) {
		(hit ? this.hits : this.misses).increment();
	}

	@Override
	public void casRetried() {
		this.casRetries.increment();
	}

	@Override
	public void drainWaited(long nanos) {
		this.drainWaits.record(nanos, TimeUnit.NANOSECONDS);
	}

}
