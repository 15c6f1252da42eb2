package io.sluice.connector.memory;

import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;

/**
 * A storage queue in memory that another queue builds on, as the file journal ({@code sluice-file-starter}) holds
 * its uncommitted writes in one: it appends a write while holding a lock of its own, tells the consumers once it
 * has let go, and learns which offsets a commit covers, so that it can release what it keeps for them.
 *
 * <p>Offsets are per partition, from 1, in the order of the appends; a batch holds consecutive offsets of one
 * partition.
 */
public interface AppendableQueue extends StorageQueue {

	/** How many partitions the writes are spread over. */
	int partitions();

	/** The partition that every write to {@code name} goes to. */
	int partitionOf(String name);

	/**
	 * Appends one write at once, on the calling thread, without telling the consumers, for a caller that holds a
	 * lock of its own and tells them with {@link #drainConsumers()} once it has let go.
	 * @return the write's offset in its partition
	 */
	long appendQuietly(VersionedRecord write);

	/** Lets every consumer take what has been appended (a batch that is due may leave on this thread). */
	void drainConsumers();

	/** The offset of the last write in {@code batch}, a batch this queue delivered. */
	long lastOffsetOf(Batch batch);

}
