package io.sluice.gateway.listen;

import java.util.List;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.Outbox;

/** A connection whose frames the test decodes when it takes them. */
final class Peer {

	final Connection connection;

	private final Outbox outbox;

	Peer(String id) {
		this.outbox = new Outbox(id, 1024);
		this.connection = this.outbox.connection;
	}

	/** What was received since the last call. */
	List<Message> take() {
		return this.outbox.take();
	}

	@Override
	public String toString() {
		return this.connection.id();
	}

}
