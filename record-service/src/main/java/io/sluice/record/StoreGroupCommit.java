package io.sluice.record;

import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/**
 * Writes straight to the store when there is no storage queue, committing writes in groups: while one batch is
 * being written, the writes that arrive wait and go together in the next one. One transaction serves many
 * writers, so throughput grows with load instead of being capped by one commit per write.
 */
final class StoreGroupCommit implements DurableWrites {

	private final RecordStore store;

	private final int maxBatchSize;

	private final Scheduler scheduler = Schedulers.parallel();

	private final Object lock = new Object();

	private List<Pending> waiting = new ArrayList<>();

	private boolean writing;

	StoreGroupCommit(RecordStore store, int maxBatchSize) {
		this.store = store;
		this.maxBatchSize = maxBatchSize;
	}

	@Override
	public Mono<Void> write(VersionedRecord record) {
		return Mono.create((sink) -> {
			boolean start;
			synchronized (this.lock) {
				this.waiting.add(new Pending(record, sink));
				start = !this.writing;
				this.writing = true;
			}
			if (start) {
				writeNextBatch();
			}
		});
	}

	@Override
	public Mono<Void> drained(String name) {
		// Every acknowledged write is already in the store.
		return Mono.empty();
	}

	private void writeNextBatch() {
		List<Pending> batch;
		synchronized (this.lock) {
			if (this.waiting.isEmpty()) {
				this.writing = false;
				return;
			}
			if (this.waiting.size() <= this.maxBatchSize) {
				batch = this.waiting;
				this.waiting = new ArrayList<>();
			}
			else {
				batch = new ArrayList<>(this.waiting.subList(0, this.maxBatchSize));
				this.waiting = new ArrayList<>(this.waiting.subList(this.maxBatchSize, this.waiting.size()));
			}
		}
		List<VersionedRecord> records = new ArrayList<>(batch.size());
		for (Pending pending : batch) {
			records.add(pending.record);
		}
		// The group-commit loop itself, not a request path: every writer's sink is completed from here. The next
		// batch starts (on another thread: a store that completes at once would otherwise recurse) before the
		// writers are answered, since answering a writer may announce its change and fan it out.
		this.store.upsertIfNewer(records).subscribe(null, (error) -> {
			this.scheduler.schedule(this::writeNextBatch);
			batch.forEach((pending) -> pending.sink.error(error));
		}, () -> {
			this.scheduler.schedule(this::writeNextBatch);
			batch.forEach((pending) -> pending.sink.success());
		});
	}

	private record Pending(VersionedRecord record, MonoSink<Void> sink) {
	}

}
