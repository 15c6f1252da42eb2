package io.sluice.gateway.session;

import java.util.ArrayList;
import java.util.List;

import reactor.core.Disposable;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;

/** A connection of a test (shared by the topic handlers' tests), and what was sent to it, decoded; frames arrive synchronously as they are sent. */
public final class Outbox {

	public final Connection connection;

	private final List<Message> messages = new ArrayList<>();

	private final Disposable reading;

	public Outbox(String id) {
		this.connection = new Connection(id, 64);
		this.reading = this.connection.outboundFrames().map(MessageCodec::decode).subscribe(this::add);
	}

	private synchronized void add(Message message) {
		this.messages.add(message);
	}

	/** Everything received since the last call, which it takes. */
	public synchronized List<Message> take() {
		List<Message> taken = List.copyOf(this.messages);
		this.messages.clear();
		return taken;
	}

	/** Closes the connection the way the peer would. */
	public void close() {
		this.reading.dispose();
		this.connection.close(1000, "test");
	}

}
