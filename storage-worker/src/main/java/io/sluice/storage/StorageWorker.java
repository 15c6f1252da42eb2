package io.sluice.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.QueuedHistoryEntry;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.VersionedRecord;

/**
 * Drains the storage queue into the store: each batch is written with one version-guarded upsert and committed
 * only after the store has it. Partitions drain in parallel, each in order. A store that fails is retried with
 * capped, jittered backoff for as long as it takes; nothing is committed meanwhile, so nothing is lost, and
 * replays are harmless because the upsert is idempotent. Store writes go through a circuit breaker: once too
 * many fail, retries stop reaching the store for a while, and then a probe decides whether they may again.
 *
 * <p>Stopping is graceful: the worker takes no new batch, lets the ones being written be stored and committed
 * (for up to {@code sluice.worker.shutdown-timeout}), and only then lets go of the queue. A batch it did not
 * start stays uncommitted and goes to the next consumer.
 *
 * <p>The queue also carries event history entries ({@link QueuedHistoryEntry}) on their way to the cold tier of the
 * history: the worker stores them in the {@link StreamArchive}, each stream's entries of a batch in one call that
 * also trims the stream to its retention, before committing the batch. A worker without an archive logs them and
 * lets them go, so that they never block the records behind them.
 */
public final class StorageWorker implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(StorageWorker.class);

	private final StorageQueue queue;

	private final RecordStore store;

	/** The cold tier of the event history, or {@code null}. */
	private final StreamArchive archive;

	private final StorageWorkerProperties properties;

	private final StorageWorkerListener listener;

	private final CircuitBreaker breaker;

	private final AtomicLong written = new AtomicLong();

	private final AtomicLong batches = new AtomicLong();

	private final Object lifecycle = new Object();

	private volatile Run running;

	public StorageWorker(StorageQueue queue, RecordStore store, StorageWorkerProperties properties) {
		this(queue, store, properties, StorageWorkerListener.NONE);
	}

	public StorageWorker(StorageQueue queue, RecordStore store, StorageWorkerProperties properties,
			StorageWorkerListener listener) {
		this(queue, store, null, properties, listener);
	}

	/** A worker that also stores queued history entries in {@code archive}, which may be {@code null}. */
	public StorageWorker(StorageQueue queue, RecordStore store, StreamArchive archive,
			StorageWorkerProperties properties, StorageWorkerListener listener) {
		this.queue = queue;
		this.store = store;
		this.archive = archive;
		this.properties = properties;
		this.listener = listener;
		this.breaker = StoreBreaker.create(properties.breaker());
		this.breaker.getEventPublisher().onStateTransition((event) -> {
			CircuitBreaker.State to = event.getStateTransition().getToState();
			if (to == CircuitBreaker.State.OPEN) {
				logger.warn("Storage worker: the store is failing, holding writes back for {} before a probe",
						properties.breaker().openWait());
			}
			else {
				logger.info("Storage worker: store circuit breaker {}", to);
			}
			listener.breakerChanged(to);
		});
		listener.breakerChanged(this.breaker.getState());
	}

	/** The pipeline: batches grouped by partition, each partition in order, retried until stored. */
	Flux<StorageQueue.Batch> drain() {
		return drain(new Run());
	}

	private Flux<StorageQueue.Batch> drain(Run run) {
		return Flux.defer(this.queue::consume)
			.groupBy(StorageQueue.Batch::partition)
			.flatMap((partition) -> partition.concatMap((batch) -> handle(batch, run)), Integer.MAX_VALUE)
			// A consumer that failed (a lost connection, a failed commit) starts again from the last commit.
			.retryWhen(backoff("consume"));
	}

	/** Stores and commits one batch; empty, leaving the batch to the next consumer, once stopping. */
	private Mono<StorageQueue.Batch> handle(StorageQueue.Batch batch, Run run) {
		return Mono.defer(() -> {
			if (!run.begin()) {
				return Mono.empty();
			}
			this.listener.batchTaken(batch.partition(), batch.writes().size(), batch.lag());
			return write(batch).flatMap((count) -> batch.commit().thenReturn(count))
				.doOnNext((count) -> {
					this.written.addAndGet(count);
					this.batches.incrementAndGet();
					this.listener.batchStored(batch.partition(), count);
				})
				.thenReturn(batch)
				.doFinally((signal) -> run.end());
		});
	}

	private Mono<Integer> write(StorageQueue.Batch batch) {
		return Mono.defer(() -> store(batch.writes()))
			// Before the breaker: a write the open breaker keeps from the store is not a store failure.
			.doOnError(this.listener::storeFailed)
			.transformDeferred(CircuitBreakerOperator.of(this.breaker))
			.retryWhen(backoff("store"));
	}

	/**
	 * The records' writes with one upsert, then each stream's history entries with one archive call.
	 * @return how many records were written (history entries not counted)
	 */
	private Mono<Integer> store(List<VersionedRecord> writes) {
		List<VersionedRecord> records = new ArrayList<>(writes.size());
		Map<String, List<QueuedHistoryEntry>> streams = new LinkedHashMap<>();
		for (VersionedRecord write : writes) {
			if (QueuedHistoryEntry.isHistory(write)) {
				QueuedHistoryEntry queued = QueuedHistoryEntry.fromWrite(write);
				streams.computeIfAbsent(queued.entry().stream(), (stream) -> new ArrayList<>()).add(queued);
			}
			else {
				records.add(write);
			}
		}
		if (streams.isEmpty()) {
			return this.store.upsertIfNewer(records);
		}
		Mono<Integer> stored = records.isEmpty() ? Mono.just(0) : this.store.upsertIfNewer(records);
		if (this.archive == null) {
			logger.warn("Storage worker: {} event history entries queued, but no archive keeps them (the store is "
					+ "neither sql nor mongodb); dropped", writes.size() - records.size());
			return stored;
		}
		return stored.flatMap((count) -> Flux.fromIterable(streams.entrySet()).concatMap((stream) -> {
			List<QueuedHistoryEntry> queued = stream.getValue();
			List<HistoryEntry> entries = queued.stream().map(QueuedHistoryEntry::entry).toList();
			// The newest entry's retention: the one configured when it was appended.
			return this.archive.store(stream.getKey(), entries, queued.get(queued.size() - 1).retention());
		}).then(Mono.just(count)));
	}

	private Retry backoff(String what) {
		return Retry.backoff(Long.MAX_VALUE, this.properties.minBackoff())
			.maxBackoff(this.properties.maxBackoff())
			.jitter(0.5)
			.doBeforeRetry((signal) -> {
				if (signal.failure() instanceof CallNotPermittedException) {
					logger.debug("Storage worker: {} held back by the open circuit breaker (attempt {})", what,
							signal.totalRetries() + 1);
				}
				else {
					logger.warn("Storage worker: {} failed (attempt {}), retrying: {}", what,
							signal.totalRetries() + 1, signal.failure().getMessage());
				}
			});
	}

	/** Records written to the store so far (versions the guard skipped not counted). */
	public long recordsWritten() {
		return this.written.get();
	}

	/** Batches stored and committed so far. */
	public long batchesCommitted() {
		return this.batches.get();
	}

	/** The state of the circuit breaker around store writes. */
	public CircuitBreaker.State breakerState() {
		return this.breaker.getState();
	}

	@Override
	public void start() {
		synchronized (this.lifecycle) {
			if (this.running != null) {
				return;
			}
			logger.info("Storage worker draining {} into {}", this.queue.getClass().getSimpleName(),
					this.store.getClass().getSimpleName());
			Run run = new Run();
			// The worker's own long-lived pipeline, not a request path; errors are retried inside it.
			run.subscription = drain(run).subscribe(null,
					(error) -> logger.error("Storage worker stopped: {}", error.getMessage(), error));
			this.running = run;
		}
	}

	/**
	 * Stops taking batches, waits (up to the shutdown timeout) for the batches being written to be stored and
	 * committed, then lets go of the queue and calls {@code callback}. Does not block the caller.
	 */
	@Override
	public void stop(Runnable callback) {
		Run run;
		Mono<Void> idle;
		synchronized (this.lifecycle) {
			run = this.running;
			if (run == null) {
				idle = null;
			}
			else {
				// Before the worker reads as stopped: once isRunning() is false, no batch may begin.
				idle = run.stop();
				this.running = null;
			}
		}
		if (run == null) {
			callback.run();
			return;
		}
		Duration timeout = this.properties.shutdownTimeout();
		logger.info("Storage worker stopping: no new batches, finishing the {} being written (up to {})",
				run.inFlight.get(), timeout);
		// Lifecycle work off the caller's thread; the callback tells Spring when it is done.
		idle
			.timeout(timeout, Mono.fromRunnable(() -> logger.warn(
					"Storage worker: batches still being written after {}; left uncommitted for the next consumer",
					timeout)))
			.doFinally((signal) -> {
				run.subscription.dispose();
				logger.info("Storage worker stopped ({} batches committed)", this.batches.get());
				callback.run();
			})
			.subscribe();
	}

	/** As {@link #stop(Runnable)}, waiting for it; blocks, so never call it on an event loop. */
	@Override
	public void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			if (!stopped.await(this.properties.shutdownTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
				logger.warn("Storage worker did not stop within {}", this.properties.shutdownTimeout());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running != null;
	}

	/**
	 * One start-to-stop of the worker: whether it still takes batches, and how many it is writing. A batch
	 * counts itself in before it looks at {@code stopping}, and stop looks at the count after setting it, so no
	 * batch can start unseen once stop has begun.
	 */
	private static final class Run {

		private final AtomicInteger inFlight = new AtomicInteger();

		private final Sinks.Empty<Void> idle = Sinks.empty();

		private volatile boolean stopping;

		private Disposable subscription;

		boolean begin() {
			this.inFlight.incrementAndGet();
			if (this.stopping) {
				end();
				return false;
			}
			return true;
		}

		void end() {
			if (this.inFlight.decrementAndGet() == 0 && this.stopping) {
				this.idle.tryEmitEmpty();
			}
		}

		Mono<Void> stop() {
			this.stopping = true;
			if (this.inFlight.get() == 0) {
				this.idle.tryEmitEmpty();
			}
			return this.idle.asMono();
		}

	}

}
