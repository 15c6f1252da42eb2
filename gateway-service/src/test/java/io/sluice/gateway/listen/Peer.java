package io.sluice.gateway.listen;

import java.util.ArrayList;
import java.util.List;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.session.Connection;

/** A connection whose frames are decoded as they are sent, for tests to look at. */
final class Peer {

	final Connection connection;

	private final List<Message> received = new ArrayList<>();

	Peer(String id) {
		this.connection = new Connection(id, 1024);
		// The test is the socket: it takes every frame as soon as it is queued.
		this.connection.outboundFrames().subscribe((frame) -> {
			synchronized (this.received) {
				this.received.add(MessageCodec.decode(frame));
			}
		});
	}

	/** What was received since the last call. */
	List<Message> take() {
		synchronized (this.received) {
			List<Message> taken = new ArrayList<>(this.received);
			this.received.clear();
			return taken;
		}
	}

	@Override
	public String toString() {
		return this.connection.id();
	}

}
