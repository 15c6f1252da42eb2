package io.sluice.record;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/**
 * Writes straight to the store when there is no storage queue, committing writes in groups: while one batch is
 * being written, the writes that arrive wait and go together in the next one. One transaction serves many
 * writers, so throughput grows with load instead of being capped by one commit per write.
 *
 * <p>The next batch is handed to the store from the thread on which the last one ended, before that batch's
 * writers are answered (answering a writer may announce its change and fan it out), so the store is never idle
 * while writes wait, and no other thread has to wake up in between. A store that completes a batch at once is
 * looped over, not recursed into.
 */
final class StoreGroupCommit implements DurableWrites {

	private final RecordStore store;

	private final int maxBatchSize;

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
				writeBatches();
			}
		});
	}

	@Override
	public Mono<Void> drained(String name) {
		// Every acknowledged write is already in the store.
		return Mono.empty();
	}

	/** Writes the waiting batches one after another until one goes on asynchronously, or none is left. */
	private void writeBatches() {
		Batch batch = nextBatch();
		while (batch != null) {
			// The group-commit loop itself, not a request path: every writer's sink is completed from here.
			this.store.upsertIfNewer(batch.records()).subscribe(null, batch::failed, batch::written);
			if (!batch.endedAtOnce()) {
				return;
			}
			batch.answer();
			batch = nextBatch();
		}
	}

	/** The writes waiting, up to the batch size, or {@code null} (and no longer writing) if there are none. */
	private Batch nextBatch() {
		List<Pending> taken;
		synchronized (this.lock) {
			if (this.waiting.isEmpty()) {
				this.writing = false;
				return null;
			}
			if (this.waiting.size() <= this.maxBatchSize) {
				taken = this.waiting;
				this.waiting = new ArrayList<>();
			}
			else {
				taken = new ArrayList<>(this.waiting.subList(0, this.maxBatchSize));
				this.waiting = new ArrayList<>(this.waiting.subList(this.maxBatchSize, this.waiting.size()));
			}
		}
		return new Batch(taken);
	}

	private record Pending(VersionedRecord record, MonoSink<Void> sink) {
	}

	/** One batch handed to the store, and how it ended. */
	private final class Batch {

		private static final int RUNNING = 0;

		private static final int ENDED_AT_ONCE = 1;

		private static final int DETACHED = 2;

		private final List<Pending> pending;

		private final AtomicInteger state = new AtomicInteger(RUNNING);

		private Throwable error;

		Batch(List<Pending> pending) {
			this.pending = pending;
		}

		List<VersionedRecord> records() {
			List<VersionedRecord> records = new ArrayList<>(this.pending.size());
			for (Pending each : this.pending) {
				records.add(each.record());
			}
			return records;
		}

		void written() {
			ended();
		}

		void failed(Throwable error) {
			this.error = error;
			ended();
		}

		private void ended() {
			if (this.state.compareAndSet(RUNNING, ENDED_AT_ONCE)) {
				// Still inside subscribe(): writeBatches answers and goes on.
				return;
			}
			writeBatches();
			answer();
		}

		/** Whether the store ended the batch before subscribe() returned; if not, it goes on asynchronously. */
		boolean endedAtOnce() {
			return !this.state.compareAndSet(RUNNING, DETACHED);
		}

		void answer() {
			for (Pending each : this.pending) {
				if (this.error != null) {
					each.sink().error(this.error);
				}
				else {
					each.sink().success();
				}
			}
		}

	}

}
