package io.sluice.connector.file;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the journaled storage queue ({@code sluice.queue.type=file}), under {@code sluice.queue.file}.
 *
 * @param directory where the journal's segment files are kept (required with {@code sluice.queue.type=file})
 * @param partitions how many partitions the writes are spread over
 * @param maxBatch the most writes in one batch handed to the storage worker (the store writes the newest version of
 *     each record in it, in one transaction); 4096, so that a trickle to a few records is not cut into a commit every
 *     256 writes
 * @param linger how long a batch that is not full may wait for more writes of its partition: fewer, larger
 *     store writes for a steady trickle, at the cost of the store lagging by up to this much (the journal holds the
 *     writes meanwhile, and a read that waits for the store takes its partition's batch at once). 1 s, because
 *     each store commit shows in the tail of set→notify latency, so a trickle is best committed seldom
 *     ({@code docs/decisions/file-queue-linger.md})
 * @param segmentSize the journal size after which a new segment file is started (at most 2GB: the segment being
 *     written is mapped into memory whole); committed segments are deleted
 * @param maxBacklog the most uncommitted writes held (they are held in memory too); past it offers fail, saying
 *     that the store is behind or unreachable
 * @param fsync when the journal is forced to the disk, and so whether an acknowledged write survives a power cut:
 *     {@code always} (a write is acknowledged once its entry is on the disk; entries are forced in groups),
 *     {@code interval} (every {@code fsync-interval}; a power cut loses what was acknowledged since the last force
 *     began), {@code never} (a power cut loses what the operating system has not written back). {@code always},
 *     as a database acknowledges a commit, because the embedded default has no replica to fall back on
 *     ({@code docs/decisions/file-queue-fsync.md})
 * @param fsyncInterval how often the journal is forced with {@code fsync=interval}
 */
@ConfigurationProperties("sluice.queue.file")
public record FileQueueProperties(Path directory, @DefaultValue("16") int partitions,
		@DefaultValue("4096") int maxBatch, @DefaultValue("1s") Duration linger,
		@DefaultValue("64MB") DataSize segmentSize, @DefaultValue("256MB") DataSize maxBacklog,
		@DefaultValue("always") Fsync fsync, @DefaultValue("100ms") Duration fsyncInterval) {

	public FileQueueProperties {
		if (partitions < 1) {
			throw new IllegalArgumentException("sluice.queue.file.partitions must be at least 1, was " + partitions);
		}
		if (maxBatch < 1) {
			throw new IllegalArgumentException("sluice.queue.file.max-batch must be at least 1, was " + maxBatch);
		}
		if (linger.isNegative()) {
			throw new IllegalArgumentException("sluice.queue.file.linger must not be negative, was " + linger);
		}
		if (maxBacklog.toBytes() < 1) {
			throw new IllegalArgumentException("sluice.queue.file.max-backlog must be positive, was " + maxBacklog);
		}
		if (fsyncInterval.isNegative() || fsyncInterval.isZero()) {
			throw new IllegalArgumentException("sluice.queue.file.fsync-interval must be positive, was " + fsyncInterval);
		}
		if (segmentSize.toBytes() < 1024 || segmentSize.toBytes() > FileStorageQueue.MAX_SEGMENT_BYTES) {
			throw new IllegalArgumentException(
					"sluice.queue.file.segment-size must be from 1KB to 2GB (a segment is mapped into memory whole), was "
							+ segmentSize);
		}
	}

}
