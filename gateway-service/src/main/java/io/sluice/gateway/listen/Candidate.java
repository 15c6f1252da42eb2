package io.sluice.gateway.listen;

import io.sluice.gateway.session.Connection;

/** A connection listening on a pattern: one may listen on several patterns that match the same name. */
record Candidate(Connection connection, String pattern) {

	boolean is(Connection connection) {
		return this.connection == connection;
	}

}
