package io.sluice.gateway.rpc;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.session.Connection;

/**
 * One end of a call: a connection of this node, or another node that relays for one of its connections. Equal
 * endpoints are the same end, which is how a call remembers the providers it has tried.
 */
interface RpcEndpoint {

	void send(Message message);

	/** Sends a frame encoded by {@link io.sluice.gateway.protocol.MessageCodec}, which must not change. */
	void send(byte[] frame);

	/** A connection of this node. */
	record Local(Connection connection) implements RpcEndpoint {

		@Override
		public void send(Message message) {
			this.connection.send(message);
		}

		@Override
		public void send(byte[] frame) {
			this.connection.send(frame);
		}

		@Override
		public String toString() {
			return this.connection.toString();
		}

	}

	/**
	 * A caller that is not a connection (the HTTP API): told only the answer that ends the call, once. Each instance
	 * is its own endpoint (compared by identity).
	 */
	final class Callback implements RpcEndpoint {

		private final Consumer<Message> onAnswer;

		private final AtomicBoolean answered = new AtomicBoolean();

		Callback(Consumer<Message> onAnswer) {
			this.onAnswer = onAnswer;
		}

		@Override
		public void send(Message message) {
			// ACCEPT only says a provider took the call: the caller waits for its answer.
			if (message.action() != RpcAction.ACCEPT && this.answered.compareAndSet(false, true)) {
				this.onAnswer.accept(message);
			}
		}

		@Override
		public void send(byte[] frame) {
			send(MessageCodec.decode(frame));
		}

		@Override
		public String toString() {
			return "Callback@" + Integer.toHexString(System.identityHashCode(this));
		}

	}

	/** Another node, reached over the message bus; it routes on to its own connections. */
	record Node(String node, RpcNodes nodes) implements RpcEndpoint {

		@Override
		public void send(Message message) {
			this.nodes.send(this.node, message);
		}

		@Override
		public void send(byte[] frame) {
			this.nodes.send(this.node, frame);
		}

		@Override
		public String toString() {
			return "Node[" + this.node + "]";
		}

	}

}
