package io.sluice.connector.file;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.connector.StorageQueue;
import io.sluice.connector.tck.StorageQueueContract;

/** The storage queue contract, for the journaled queue with a short linger. */
class FileStorageQueueTests extends StorageQueueContract {

	@TempDir
	Path directory;

	private FileStorageQueue queue;

	@Override
	protected StorageQueue queue() {
		this.queue = new FileStorageQueue(this.directory, 4, 64, Duration.ofMillis(5), 64 * 1024);
		return this.queue;
	}

	@AfterEach
	void close() {
		this.queue.close();
	}

}
