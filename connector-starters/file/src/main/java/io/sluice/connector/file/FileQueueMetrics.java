package io.sluice.connector.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The journal's gauges, read at each scrape:
 * <ul>
 * <li>{@value #JOURNAL_SIZE}: bytes of the journal's segment files on disk (the segment being written counts at the
 * length it was mapped to);</li>
 * <li>{@value #JOURNAL_SEGMENTS}: its segment files;</li>
 * <li>{@value #BACKLOG}: bytes of writes queued and not yet committed by the storage worker.</li>
 * </ul>
 */
final class FileQueueMetrics implements MeterBinder {

	static final String JOURNAL_SIZE = "sluice.queue.journal.size";

	static final String JOURNAL_SEGMENTS = "sluice.queue.journal.segments";

	static final String BACKLOG = "sluice.queue.backlog";

	private final Supplier<FileStorageQueue> queue;

	/** @param queue the journal, or {@code null} when the application has a storage queue of its own */
	FileQueueMetrics(Supplier<FileStorageQueue> queue) {
		this.queue = queue;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FileStorageQueue queue = this.queue.get();
		if (queue == null) {
			return;
		}
		Gauge.builder(JOURNAL_SIZE, queue, FileQueueMetrics::journalBytes)
			.description("Bytes of the storage queue's journal files on disk")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder(JOURNAL_SEGMENTS, queue, (journal) -> journal.segmentFiles().size())
			.description("Segment files of the storage queue's journal")
			.register(registry);
		Gauge.builder(BACKLOG, queue, FileStorageQueue::backlogBytes)
			.description("Bytes of writes in the storage queue that the storage worker has not committed yet")
			.baseUnit("bytes")
			.register(registry);
	}

	/** Reads the files' sizes: a scrape runs off the event loops, where a file system call may wait. */
	private static double journalBytes(FileStorageQueue queue) {
		long bytes = 0;
		for (Path file : queue.segmentFiles()) {
			try {
				bytes += Files.size(file);
			}
			catch (IOException ex) {
				// Deleted since it was listed: its writes were all committed.
			}
		}
		return bytes;
	}

}
