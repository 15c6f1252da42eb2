package io.sluice.gateway.http.rest;

import io.sluice.gateway.protocol.Names;

/**
 * Names taken from a path: everything after the resource's prefix, so a name may hold {@code /}
 * ({@code /api/v1/records/users/alice} names {@code users/alice}); checked by the rule WebSocket messages follow.
 */
final class RestNames {

	private final int maxLength;

	RestNames(int maxLength) {
		this.maxLength = maxLength;
	}

	/** The name a {@code {*name}} path variable captured (it starts with the {@code /} before it). */
	String fromPath(String captured) {
		return check(captured.startsWith("/") ? captured.substring(1) : captured);
	}

	String check(String name) {
		String problem = Names.problem(name, this.maxLength);
		if (problem != null) {
			throw new RestProblemException(RestProblem.INVALID_REQUEST, problem + ": '" + name + "'");
		}
		return name;
	}

}
