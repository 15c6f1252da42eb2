package io.sluice.connector.memory;

import io.sluice.connector.StreamArchive;
import io.sluice.connector.tck.StreamArchiveContract;

class InMemoryStreamArchiveTests extends StreamArchiveContract {

	@Override
	protected StreamArchive archive() {
		return new InMemoryStreamHistory().archive();
	}

}
