package io.sluice.gateway.rpc;

import java.util.List;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;

/**
 * The other gateway nodes, as far as RPC is concerned: which of them have providers for a name, and a way to hand
 * them a call's messages. {@link #NONE} when this node is alone.
 */
interface RpcNodes {

	RpcNodes NONE = new RpcNodes() {

		@Override
		public List<String> providing(String name) {
			return List.of();
		}

		@Override
		public void send(String node, Message message) {
			throw new IllegalStateException("No other nodes to send " + message + " to");
		}

	};

	/** The other nodes that last said they have a provider for {@code name}. */
	List<String> providing(String name);

	/** Tells the other nodes that this node has its first provider of each of {@code names}. */
	default void provided(List<String> names) {
	}

	/** Tells the other nodes that this node has no provider of each of {@code names} any more. */
	default void unprovided(List<String> names) {
	}

	/** Sends one RPC message to one node; never blocks, never throws for a bus failure (the call times out). */
	void send(String node, Message message);

	/**
	 * Sends one RPC message encoded by {@link MessageCodec} to one node, as {@link #send(String, Message)} does;
	 * by default decoded and sent as a message, by a relay on the bus as it is.
	 */
	default void send(String node, byte[] frame) {
		send(node, MessageCodec.decode(frame));
	}

}
