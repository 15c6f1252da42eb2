package io.sluice.connector.memory;

import io.sluice.connector.StorageQueue;
import io.sluice.connector.tck.StorageQueueContract;

/** The contract again with few partitions and tiny batches, so that every write crosses batch boundaries. */
class InMemoryStorageQueueSmallBatchTests extends StorageQueueContract {

	@Override
	protected StorageQueue queue() {
		return new InMemoryStorageQueue(3, 2);
	}

}
