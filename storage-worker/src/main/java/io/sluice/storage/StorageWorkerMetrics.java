package io.sluice.storage;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;

/**
 * The storage worker's meters:
 * <ul>
 * <li>{@value #BATCH_SIZE}: writes per batch taken from the queue (a distribution, with buckets from 1 to 5000);</li>
 * <li>{@value #RECORDS_WRITTEN}: writes the store took as newer than what it held;</li>
 * <li>{@value #STORE_FAILURES}: store writes that failed (not those the open breaker held back);</li>
 * <li>{@value #BREAKER_STATE}, tagged {@code state}: 1 for the breaker's current state, 0 for the others;</li>
 * <li>{@value #LAG}, tagged {@code partition}: the writes of the partition after the latest batch taken from it,
 * as the queue counted them when the batch was taken;</li>
 * <li>{@value #OLDEST_UNSTORED}: how long the oldest write the worker knows to be unstored has waited, at the most of
 * all partitions: from when the batch holding it, or the first batch of a run that left the partition behind, was
 * taken from the queue, until a batch that reached the end of the partition is stored. A lower bound: the time a
 * write spent in the queue before the worker took it is not in it. Zero while every partition is caught up.</li>
 * </ul>
 */
public final class StorageWorkerMetrics implements StorageWorkerListener {

	static final String BATCH_SIZE = "sluice.worker.batch.size";

	static final String RECORDS_WRITTEN = "sluice.worker.records.written";

	static final String STORE_FAILURES = "sluice.worker.store.failures";

	static final String BREAKER_STATE = "sluice.worker.breaker.state";

	static final String LAG = "sluice.worker.lag";

	static final String OLDEST_UNSTORED = "sluice.worker.oldest.unstored.age";

	private final MeterRegistry registry;

	private final DistributionSummary batchSize;

	private final Counter recordsWritten;

	private final Counter storeFailures;

	private final AtomicReference<CircuitBreaker.State> breakerState = new AtomicReference<>(
			CircuitBreaker.State.CLOSED);

	private final Map<Integer, AtomicLong> lag = new ConcurrentHashMap<>();

	/** Per partition behind (or with a batch being stored): when the worker first took a batch of its run. */
	private final Map<Integer, Long> behindSince = new ConcurrentHashMap<>();

	/** Per partition: the lag of the latest batch taken, -1 unknown. */
	private final Map<Integer, Long> takenLag = new ConcurrentHashMap<>();

	private final LongSupplier nanoTime;

	public StorageWorkerMetrics(MeterRegistry registry) {
		this(registry, System::nanoTime);
	}

	StorageWorkerMetrics(MeterRegistry registry, LongSupplier nanoTime) {
		this.registry = registry;
		this.nanoTime = nanoTime;
		TimeGauge.builder(OLDEST_UNSTORED, this, TimeUnit.NANOSECONDS, StorageWorkerMetrics::oldestUnstoredNanos)
			.description("How long the oldest write the storage worker knows to be unstored has waited since it was "
					+ "taken from the queue (the most of all partitions)")
			.register(registry);
		this.batchSize = DistributionSummary.builder(BATCH_SIZE)
			.description("Writes per batch taken from the storage queue")
			.baseUnit("writes")
			// A few buckets, not a percentile histogram: the shape of batch sizes, at little cost per scrape.
			.serviceLevelObjectives(1, 10, 50, 100, 250, 500, 1000, 5000)
			.register(registry);
		this.recordsWritten = Counter.builder(RECORDS_WRITTEN)
			.description("Writes the store took as newer than what it held")
			.baseUnit("writes")
			.register(registry);
		this.storeFailures = Counter.builder(STORE_FAILURES)
			.description("Store writes that failed; each is retried")
			.register(registry);
		for (CircuitBreaker.State state : new CircuitBreaker.State[] { CircuitBreaker.State.CLOSED,
				CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN }) {
			Gauge.builder(BREAKER_STATE, this.breakerState, (current) -> (current.get() == state) ? 1 : 0)
				.description("1 for the current state of the circuit breaker around store writes")
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
	}

	@Override
	public void batchTaken(int partition, int size, long lag) {
		this.behindSince.putIfAbsent(partition, this.nanoTime.getAsLong());
		this.takenLag.put(partition, lag);
		this.batchSize.record(size);
		if (lag >= 0) {
			this.lag.computeIfAbsent(partition, this::lagGauge).set(lag);
		}
	}

	private AtomicLong lagGauge(int partition) {
		AtomicLong value = new AtomicLong();
		Gauge.builder(LAG, value, AtomicLong::get)
			.description("Writes of the partition after the latest batch the storage worker took from it")
			.baseUnit("writes")
			.tag("partition", Integer.toString(partition))
			.register(this.registry);
		return value;
	}

	@Override
	public void batchStored(int partition, int written) {
		this.recordsWritten.increment(written);
		if (this.takenLag.getOrDefault(partition, -1L) <= 0) {
			// Caught up as far as the queue could tell when the batch was taken (an unknown lag counts as caught up,
			// rather than leave the age growing for a queue that cannot tell).
			this.behindSince.remove(partition);
		}
	}

	private double oldestUnstoredNanos() {
		long now = this.nanoTime.getAsLong();
		long oldest = 0;
		for (long since : this.behindSince.values()) {
			oldest = Math.max(oldest, now - since);
		}
		return oldest;
	}

	@Override
	public void storeFailed(Throwable error) {
		this.storeFailures.increment();
	}

	@Override
	public void breakerChanged(CircuitBreaker.State state) {
		this.breakerState.set(state);
	}

}
