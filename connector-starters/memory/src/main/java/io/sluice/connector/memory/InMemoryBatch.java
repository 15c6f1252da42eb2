package io.sluice.connector.memory;

import java.util.List;

import reactor.core.publisher.Mono;

import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;

/** Consecutive writes of one {@link QueuePartition}, as {@link InMemoryStorageQueue#consume()} hands them out. */
final class InMemoryBatch implements StorageQueue.Batch {

	private final QueuePartition partition;

	private final List<VersionedRecord> writes;

	final long lastOffset;

	private final long lag;

	InMemoryBatch(QueuePartition partition, List<VersionedRecord> writes, long lastOffset, long lag) {
		this.partition = partition;
		this.writes = writes;
		this.lastOffset = lastOffset;
		this.lag = lag;
	}

	@Override
	public int partition() {
		return this.partition.index;
	}

	@Override
	public List<VersionedRecord> writes() {
		return this.writes;
	}

	@Override
	public Mono<Void> commit() {
		return Mono.fromRunnable(() -> this.partition.commit(this.lastOffset));
	}

	/** Exact: the writes appended to the partition after this batch's last, when it was read. */
	@Override
	public long lag() {
		return this.lag;
	}

}
