package io.sluice.gateway.rpc;

import io.sluice.gateway.protocol.Message;
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
