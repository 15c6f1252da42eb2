package io.sluice.connector.memory;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;

/**
 * A {@link StorageQueue} in the memory of this process, split into partitions by the hash of the record name.
 *
 * <p>Each partition keeps its writes from the last commit on, with offsets from 1. Every subscription to
 * {@link #consume()} reads every partition from its last commit, so a new consumer gets again whatever the
 * previous one did not commit; two consumers at once would both get every write (at least once). Batches hold
 * up to {@code maxBatch} consecutive writes of one partition and are delivered as demanded; a partition's next
 * batch does not wait for the previous one's commit.
 *
 * <p>Not durable: writes are lost with the process. Each partition has its own lock, held only to append,
 * copy out a batch or commit, so offers to different partitions never wait for each other.
 *
 * <p>With a {@code linger}, a batch that is not full waits until its partition's oldest write not yet taken has
 * waited that long, so that a steady trickle of writes reaches the store in fewer, larger batches. A partition
 * that someone waits on through {@link #drained} or {@link #drainedRecord} does not linger.
 *
 * <p>Each partition knows which records its uncommitted writes belong to, so {@link #drainedRecord} waits only
 * for a record that has some.
 *
 * <p>As an {@link AppendableQueue}, it holds the writes of the file journal until they are committed.
 */
public final class InMemoryStorageQueue implements AppendableQueue {

	/** The partitions of a queue made without saying how many. */
	public static final int DEFAULT_PARTITIONS = 16;

	/** The most writes in one batch, unless said otherwise. */
	public static final int DEFAULT_MAX_BATCH = 256;

	private final QueuePartition[] partitions;

	private final int maxBatch;

	private final long lingerNanos;

	private final Scheduler timer = Schedulers.parallel();

	private final Set<Consumer> consumers = ConcurrentHashMap.newKeySet();

	public InMemoryStorageQueue() {
		this(DEFAULT_PARTITIONS, DEFAULT_MAX_BATCH);
	}

	public InMemoryStorageQueue(int partitions, int maxBatch) {
		this(partitions, maxBatch, Duration.ZERO);
	}

	/**
	 * A queue whose batches that are not full wait up to {@code linger} for more writes of their partition.
	 */
	public InMemoryStorageQueue(int partitions, int maxBatch, Duration linger) {
		if (linger.isNegative()) {
			throw new IllegalArgumentException("The linger must not be negative, was " + linger);
		}
		if (partitions < 1 || maxBatch < 1) {
			throw new IllegalArgumentException(
					"A queue needs at least one partition and batches of at least one write, was " + partitions
							+ " partitions and batches of " + maxBatch);
		}
		this.partitions = new QueuePartition[partitions];
		for (int i = 0; i < partitions; i++) {
			this.partitions[i] = new QueuePartition(i);
		}
		this.maxBatch = maxBatch;
		this.lingerNanos = linger.toNanos();
	}

	@Override
	public int partitions() {
		return this.partitions.length;
	}

	@Override
	public int partitionOf(String name) {
		return Math.floorMod(name.hashCode(), this.partitions.length);
	}

	@Override
	public Mono<Void> offer(VersionedRecord write) {
		Objects.requireNonNull(write, "write");
		return Mono.fromRunnable(() -> append(write));
	}

	/** Appends one write at once, on the calling thread; returns its offset in its partition. */
	long append(VersionedRecord write) {
		long offset = appendQuietly(write);
		drainConsumers();
		return offset;
	}

	@Override
	public long appendQuietly(VersionedRecord write) {
		return this.partitions[partitionOf(write.name())].append(write);
	}

	@Override
	public void drainConsumers() {
		this.consumers.forEach(Consumer::drain);
	}

	@Override
	public long lastOffsetOf(Batch batch) {
		return ((InMemoryBatch) batch).lastOffset;
	}

	@Override
	public Flux<Batch> consume() {
		return Flux.create((sink) -> {
			Consumer consumer = new Consumer(sink);
			// Registered before the first drain, so no offer between the two goes unnoticed.
			this.consumers.add(consumer);
			sink.onDispose(() -> this.consumers.remove(consumer));
			sink.onRequest((demand) -> consumer.drain());
		});
	}

	@Override
	public Mono<Void> drained(String name) {
		QueuePartition partition = this.partitions[partitionOf(name)];
		// What must be drained is fixed by the call: the writes offered so far.
		long target = partition.lastOffset();
		return Mono.create((sink) -> {
			partition.awaitCommit(target, sink);
			// Someone waits on this partition now: a lingering batch of it leaves at once.
			this.consumers.forEach(Consumer::drain);
		});
	}

	/** Waits for the record's own writes only: a record with none pending needs no commit of its partition. */
	@Override
	public Mono<Void> drainedRecord(String name) {
		QueuePartition partition = this.partitions[partitionOf(name)];
		long target = partition.lastOffsetOf(name);
		if (target == 0) {
			return Mono.empty();
		}
		return Mono.create((sink) -> {
			partition.awaitCommit(target, sink);
			this.consumers.forEach(Consumer::drain);
		});
	}

	/**
	 * One subscription to {@link #consume()}: where it has got to in each partition. One thread at a time
	 * drains (the others only note that there is more to do), so batches of a partition leave in order.
	 */
	private final class Consumer {

		private final FluxSink<Batch> sink;

		private final long[] next;

		private final AtomicInteger work = new AtomicInteger();

		/** The partition to look at first next time, so that a busy partition cannot starve the others. */
		private int cursor;

		/** Per partition, since when (nanoTime) its oldest write not yet taken has waited; 0 if none waits. */
		private final long[] waitingSince;

		/** Whether a drain is scheduled for when the next lingering batch is due. */
		private final AtomicBoolean timerSet = new AtomicBoolean();

		Consumer(FluxSink<Batch> sink) {
			this.sink = sink;
			this.next = new long[InMemoryStorageQueue.this.partitions.length];
			for (int i = 0; i < this.next.length; i++) {
				this.next[i] = InMemoryStorageQueue.this.partitions[i].nextUncommitted();
			}
			this.waitingSince = new long[this.next.length];
		}

		void drain() {
			if (this.work.getAndIncrement() != 0) {
				return;
			}
			int missed = 1;
			do {
				boolean emitted = true;
				while (emitted && this.sink.requestedFromDownstream() > 0 && !this.sink.isCancelled()) {
					emitted = emitOne();
				}
				missed = this.work.addAndGet(-missed);
			}
			while (missed != 0);
		}

		/** Emits the next batch of the first partition, from the cursor on, that has one due. */
		private boolean emitOne() {
			QueuePartition[] partitions = InMemoryStorageQueue.this.partitions;
			long dueIn = Long.MAX_VALUE;
			for (int i = 0; i < partitions.length; i++) {
				int p = (this.cursor + i) % partitions.length;
				long wait = lingerLeft(partitions[p], p);
				if (wait > 0) {
					dueIn = Math.min(dueIn, wait);
					continue;
				}
				InMemoryBatch batch = partitions[p].read(this.next[p], InMemoryStorageQueue.this.maxBatch);
				if (batch != null) {
					this.next[p] = batch.lastOffset + 1;
					this.waitingSince[p] = 0;
					this.cursor = (p + 1) % partitions.length;
					this.sink.next(batch);
					return true;
				}
			}
			if (dueIn != Long.MAX_VALUE) {
				drainIn(dueIn);
			}
			return false;
		}

		/**
		 * How long partition {@code p}'s next batch has still to linger, in nanoseconds; 0 if it may leave now
		 * (or there is none).
		 */
		private long lingerLeft(QueuePartition partition, int p) {
			long linger = InMemoryStorageQueue.this.lingerNanos;
			if (linger == 0) {
				return 0;
			}
			long available = partition.available(this.next[p]);
			if (available <= 0) {
				this.waitingSince[p] = 0;
				return 0;
			}
			if (available >= InMemoryStorageQueue.this.maxBatch || partition.awaited()) {
				return 0;
			}
			long now = System.nanoTime();
			if (this.waitingSince[p] == 0) {
				// nanoTime can be 0 only by chance; waiting from a nanosecond later changes nothing.
				this.waitingSince[p] = (now != 0) ? now : 1;
			}
			return Math.max(0, this.waitingSince[p] + linger - now);
		}

		/** Drains again in {@code nanos}, unless a drain is already set for then or sooner. */
		private void drainIn(long nanos) {
			if (this.timerSet.compareAndSet(false, true)) {
				InMemoryStorageQueue.this.timer.schedule(() -> {
					this.timerSet.set(false);
					drain();
				}, nanos, TimeUnit.NANOSECONDS);
			}
		}

	}

}
