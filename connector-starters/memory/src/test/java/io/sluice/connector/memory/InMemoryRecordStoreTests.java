package io.sluice.connector.memory;

import io.sluice.connector.RecordStore;
import io.sluice.connector.tck.RecordStoreContract;

class InMemoryRecordStoreTests extends RecordStoreContract {

	@Override
	protected RecordStore store() {
		return new InMemoryRecordStore();
	}

}
