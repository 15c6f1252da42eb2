package io.sluice.gateway.cluster;

/**
 * The messages of {@link ClusterMembership} on its bus topic, encoded here and nowhere else: a format version byte
 * ({@value #VERSION}), then the kind. Who sent one is the bus envelope's {@code from}.
 */
enum MembershipMessage {

	/** A node started: the others answer with a direct {@link #HEARTBEAT} and their state. */
	HELLO(1),

	/** A node is alive. */
	HEARTBEAT(2),

	/** A node is stopping. */
	LEAVE(3);

	static final byte VERSION = 1;

	private final byte code;

	MembershipMessage(int code) {
		this.code = (byte) code;
	}

	byte[] encode() {
		return new byte[] { VERSION, this.code };
	}

	/** @throws IllegalArgumentException naming what is wrong, for what is not one of these messages */
	static MembershipMessage decode(byte[] payload) {
		if (payload.length != 2) {
			throw new IllegalArgumentException("a membership message is 2 bytes, this one " + payload.length);
		}
		if (payload[0] != VERSION) {
			throw new IllegalArgumentException(
					"membership message format " + payload[0] + " is not this node's (" + VERSION + ")");
		}
		for (MembershipMessage message : values()) {
			if (message.code == payload[1]) {
				return message;
			}
		}
		throw new IllegalArgumentException("unknown membership message kind " + payload[1]);
	}

}
