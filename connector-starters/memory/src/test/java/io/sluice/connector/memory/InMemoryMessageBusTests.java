package io.sluice.connector.memory;

import io.sluice.connector.MessageBus;
import io.sluice.connector.tck.MessageBusContract;

class InMemoryMessageBusTests extends MessageBusContract {

	// JUnit makes a new instance per test, so each test has a medium of its own.
	private final InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();

	@Override
	protected MessageBus node(String nodeId) {
		return new InMemoryMessageBus(nodeId, this.medium);
	}

}
