package io.sluice.connector.memory;

import io.sluice.connector.StorageQueue;
import io.sluice.connector.tck.StorageQueueContract;

class InMemoryStorageQueueTests extends StorageQueueContract {

	@Override
	protected StorageQueue queue() {
		return new InMemoryStorageQueue();
	}

}
