package io.sluice.connector.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.MonoSink;

import io.sluice.connector.VersionedRecord;

/**
 * One partition of an {@link InMemoryStorageQueue}: its uncommitted writes and who waits for them; guarded by its own
 * monitor.
 */
final class QueuePartition {

	final int index;

	/** Uncommitted writes from {@code head}; committed ones before it are cleared in bulk. */
	private final ArrayList<VersionedRecord> writes = new ArrayList<>();

	private int head;

	/** The offset of the write at {@code head}: one more than the last commit. */
	private long firstOffset = 1;

	private long lastOffset;

	/** Per record with uncommitted writes, the offset of its last one. */
	private final Map<String, Long> pending = new HashMap<>();

	private final List<Waiter> waiters = new ArrayList<>();

	QueuePartition(int index) {
		this.index = index;
	}

	synchronized long append(VersionedRecord write) {
		this.writes.add(write);
		this.pending.put(write.name(), ++this.lastOffset);
		return this.lastOffset;
	}

	/** The offset of the last uncommitted write to {@code name}, or 0 if it has none. */
	synchronized long lastOffsetOf(String name) {
		Long offset = this.pending.get(name);
		return (offset != null) ? offset : 0;
	}

	/** How many writes there are from {@code offset} (or the first uncommitted, if later) on. */
	synchronized long available(long offset) {
		return this.lastOffset - Math.max(offset, this.firstOffset) + 1;
	}

	/** Whether someone waits for a commit of this partition through {@code drained}. */
	synchronized boolean awaited() {
		return !this.waiters.isEmpty();
	}

	synchronized long lastOffset() {
		return this.lastOffset;
	}

	synchronized long nextUncommitted() {
		return this.firstOffset;
	}

	/** Up to {@code max} writes from {@code offset} (or the first uncommitted, if later), or null if none. */
	synchronized InMemoryBatch read(long offset, int max) {
		long from = Math.max(offset, this.firstOffset);
		if (from > this.lastOffset) {
			return null;
		}
		int count = (int) Math.min(max, this.lastOffset - from + 1);
		int start = this.head + (int) (from - this.firstOffset);
		List<VersionedRecord> batch = List.copyOf(this.writes.subList(start, start + count));
		long last = from + count - 1;
		return new InMemoryBatch(this, batch, last, this.lastOffset - last);
	}

	void commit(long upTo) {
		List<Waiter> done;
		synchronized (this) {
			if (upTo < this.firstOffset) {
				return;
			}
			int count = (int) (upTo - this.firstOffset + 1);
			for (int i = 0; i < count; i++) {
				// A record stays pending while a later write of it is not committed.
				this.pending.remove(this.writes.set(this.head++, null).name(), this.firstOffset + i);
			}
			this.firstOffset = upTo + 1;
			// Compact once the committed prefix is as large as what is left: amortised constant per write.
			if (this.head >= this.writes.size() - this.head) {
				this.writes.subList(0, this.head).clear();
				this.head = 0;
			}
			done = takeWaiters(upTo);
		}
		// Completed outside the lock: whatever runs next must not hold up offers and commits.
		done.forEach((waiter) -> waiter.sink.success());
	}

	void awaitCommit(long target, MonoSink<Void> sink) {
		Waiter waiter = new Waiter(target, sink);
		synchronized (this) {
			if (target >= this.firstOffset) {
				this.waiters.add(waiter);
				sink.onCancel(() -> removeWaiter(waiter));
				return;
			}
		}
		sink.success();
	}

	private synchronized void removeWaiter(Waiter waiter) {
		this.waiters.remove(waiter);
	}

	private List<Waiter> takeWaiters(long committed) {
		if (this.waiters.isEmpty()) {
			return List.of();
		}
		List<Waiter> done = new ArrayList<>();
		this.waiters.removeIf((waiter) -> waiter.target <= committed && done.add(waiter));
		return done;
	}

	private record Waiter(long target, MonoSink<Void> sink) {
	}

}
