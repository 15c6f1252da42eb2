package io.sluice.gateway.auth;

import java.util.UUID;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * deepstream's open authentication: everyone is let in. The user id is the auth data's {@code username} when it is
 * a non-empty string, else a generated id; there is no client data.
 */
public final class OpenAuthenticator implements Authenticator {

	@Override
	public Mono<AuthResult> authenticate(ConnectionData connection, JsonNode authData) {
		JsonNode username = authData.get("username");
		String userId = (username != null && username.isString() && !username.asString().isEmpty())
				? username.asString() : UUID.randomUUID().toString();
		return Mono.just(AuthResult.accepted(userId, null, null));
	}

}
