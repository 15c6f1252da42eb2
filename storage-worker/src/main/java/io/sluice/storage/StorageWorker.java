package io.sluice.storage;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;

import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;

/**
 * Drains the storage queue into the store: each batch is written with one version-guarded upsert and committed
 * only after the store has it. Partitions drain in parallel, each in order. A store that fails is retried with
 * capped, jittered backoff for as long as it takes; nothing is committed meanwhile, so nothing is lost, and
 * replays are harmless because the upsert is idempotent.
 */
public final class StorageWorker implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(StorageWorker.class);

	private final StorageQueue queue;

	private final RecordStore store;

	private final StorageWorkerProperties properties;

	private final AtomicLong written = new AtomicLong();

	private final AtomicLong batches = new AtomicLong();

	private volatile Disposable running;

	public StorageWorker(StorageQueue queue, RecordStore store, StorageWorkerProperties properties) {
		this.queue = queue;
		this.store = store;
		this.properties = properties;
	}

	/** The pipeline: batches grouped by partition, each partition in order, retried until stored. */
	Flux<StorageQueue.Batch> drain() {
		return Flux.defer(this.queue::consume)
			.groupBy(StorageQueue.Batch::partition)
			.flatMap((partition) -> partition.concatMap(this::handle), Integer.MAX_VALUE)
			// A consumer that failed (a lost connection, a failed commit) starts again from the last commit.
			.retryWhen(backoff("consume"));
	}

	private Mono<StorageQueue.Batch> handle(StorageQueue.Batch batch) {
		return Mono.defer(() -> this.store.upsertIfNewer(batch.writes()))
			.retryWhen(backoff("store"))
			.flatMap((count) -> batch.commit().thenReturn(count))
			.doOnNext((count) -> {
				this.written.addAndGet(count);
				this.batches.incrementAndGet();
			})
			.thenReturn(batch);
	}

	private Retry backoff(String what) {
		return Retry.backoff(Long.MAX_VALUE, this.properties.minBackoff())
			.maxBackoff(this.properties.maxBackoff())
			.jitter(0.5)
			.doBeforeRetry((signal) -> logger.warn("Storage worker: {} failed (attempt {}), retrying: {}", what,
					signal.totalRetries() + 1, signal.failure().getMessage()));
	}

	/** Records written to the store so far (versions the guard skipped not counted). */
	public long recordsWritten() {
		return this.written.get();
	}

	/** Batches stored and committed so far. */
	public long batchesCommitted() {
		return this.batches.get();
	}

	@Override
	public void start() {
		logger.info("Storage worker draining {} into {}", this.queue.getClass().getSimpleName(),
				this.store.getClass().getSimpleName());
		// The worker's own long-lived pipeline, not a request path; errors are retried inside it.
		this.running = drain().subscribe(null,
				(error) -> logger.error("Storage worker stopped: {}", error.getMessage(), error));
	}

	@Override
	public void stop() {
		Disposable current = this.running;
		if (current != null) {
			current.dispose();
			this.running = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}

}
