package io.sluice.connector.memory;

import io.sluice.connector.RecordCache;
import io.sluice.connector.tck.RecordCacheContract;

class InMemoryRecordCacheTests extends RecordCacheContract {

	@Override
	protected RecordCache cache() {
		return new InMemoryRecordCache();
	}

}
