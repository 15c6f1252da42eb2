package io.sluice.gateway.presence;

/** Tells the other gateway nodes who logs in and out here. {@link #NONE} when this node is alone. */
interface PresenceNodes {

	PresenceNodes NONE = new PresenceNodes() {
	};

	/** {@code user} has their first connection on this node. */
	default void joined(String user) {
	}

	/** {@code user} has no connection on this node any more. */
	default void left(String user) {
	}

}
