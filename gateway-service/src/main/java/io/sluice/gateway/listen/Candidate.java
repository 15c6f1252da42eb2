package io.sluice.gateway.listen;

import io.sluice.gateway.session.Connection;

/**
 * A listener registration that may be asked to provide a name: a connection listening on a pattern (one may listen on
 * several patterns that match the same name). On this node it is the {@code connection}; on another node it is that
 * {@code node}'s connection of id {@code connectionId}, known from what the node announced.
 */
record Candidate(Connection connection, String pattern, String node, String connectionId) {

	/** A registration on this node. */
	Candidate(Connection connection, String pattern) {
		this(connection, pattern, null, null);
	}

	/** A registration on another node. */
	static Candidate remote(String node, String connectionId, String pattern) {
		return new Candidate(null, pattern, node, connectionId);
	}

	boolean isLocal() {
		return this.connection != null;
	}

	boolean is(Connection connection) {
		return this.connection == connection;
	}

	boolean isOn(String node) {
		return node.equals(this.node);
	}

	/** The connection id another node knows this registration by. */
	String id() {
		return (this.connection != null) ? this.connection.id() : this.connectionId;
	}

}
