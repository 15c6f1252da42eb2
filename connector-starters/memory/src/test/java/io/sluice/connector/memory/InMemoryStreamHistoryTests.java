package io.sluice.connector.memory;

import io.sluice.connector.StreamHistory;
import io.sluice.connector.tck.StreamHistoryContract;

class InMemoryStreamHistoryTests extends StreamHistoryContract {

	@Override
	protected StreamHistory history() {
		return new InMemoryStreamHistory();
	}

}
