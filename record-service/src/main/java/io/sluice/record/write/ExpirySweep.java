package io.sluice.record.write;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.context.SmartLifecycle;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/**
 * Enforces expiry although no one reads the records: every {@code interval} it expires, through the record
 * service (as a delete, subscribers told), the records whose deadline has passed. It takes them from two places:
 * the deadlines of the records this node wrote ({@link RecordExpiry}), which are exact and need no store, and the
 * store's {@link RecordStore#findExpired}, which finds what this node did not write: records written before a
 * restart, or by a node that has gone. A record is expired at most {@code interval} after its deadline, plus the
 * time its delete takes to become durable; a record only in the store, plus how far the storage worker lags.
 *
 * <p>Several nodes may sweep the same record; the cache's compare-and-set lets one of them delete it. A tick that
 * fails (the store unreachable, say) is logged and the next one tries again; ticks never overlap.
 */
final class ExpirySweep implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ExpirySweep.class);

	/** Records expired at once, in parallel, each in its own lane. */
	private static final int CONCURRENCY = 64;

	private final WriteThroughRecordService records;

	private final RecordExpiry expiry;

	private final RecordStore store;

	private final Duration interval;

	private final int batchSize;

	private final Scheduler scheduler;

	private volatile Disposable running;

	ExpirySweep(WriteThroughRecordService records, RecordExpiry expiry, RecordStore store, Duration interval,
			int batchSize, Scheduler scheduler) {
		this.records = records;
		this.expiry = expiry;
		this.store = store;
		this.interval = interval;
		this.batchSize = batchSize;
		this.scheduler = scheduler;
	}

	/**
	 * One sweep: expires every remembered record that is due, and up to the batch size of the store's.
	 * @return how many records this sweep expired
	 */
	Mono<Long> sweep() {
		return Mono.defer(() -> {
			Instant now = this.expiry.now();
			Set<String> due = new LinkedHashSet<>(this.expiry.due(now));
			Flux<String> stored = this.store.findExpired(now, this.batchSize)
				.map(VersionedRecord::name)
				.onErrorResume((ex) -> {
					// Fail open: the remembered deadlines are still enforced, and the next tick asks again.
					logger.warn("Could not ask the store for expired records: {}", ex.getMessage());
					return Flux.empty();
				});
			return Flux.fromIterable(due)
				.concatWith(stored.filter((name) -> !due.contains(name)))
				.flatMap((name) -> this.records.expire(name).onErrorResume((ex) -> {
					logger.warn("Could not expire record '{}': {}", name, ex.getMessage());
					return Mono.just(false);
				}), CONCURRENCY)
				.filter(Boolean::booleanValue)
				.count();
		});
	}

	@Override
	public void start() {
		logger.info("Expiring records every {} ms", this.interval.toMillis());
		this.running = Flux.interval(this.interval, this.interval, this.scheduler)
			.onBackpressureDrop()
			.concatMap((tick) -> sweep(), 1)
			.subscribe((expired) -> {
				if (expired > 0) {
					logger.debug("Expired {} records", expired);
				}
			}, (ex) -> logger.error("The expiry sweep stopped", ex));
	}

	@Override
	public void stop() {
		Disposable sweeping = this.running;
		if (sweeping != null) {
			sweeping.dispose();
			this.running = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}

}
