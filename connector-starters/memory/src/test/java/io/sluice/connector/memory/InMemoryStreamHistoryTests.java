package io.sluice.connector.memory;

import io.sluice.connector.tck.HotStreamHistoryContract;

class InMemoryStreamHistoryTests extends HotStreamHistoryContract {

	@Override
	protected InMemoryStreamHistory history() {
		return new InMemoryStreamHistory();
	}

}
