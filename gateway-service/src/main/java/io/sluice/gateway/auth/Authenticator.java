package io.sluice.gateway.auth;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Decides who a connecting client is, from the auth data of its {@code AUTH REQUEST} (a JSON object; anything else
 * is refused before an authenticator sees it). Chosen by {@code sluice.auth.type}; an application's own bean takes
 * the place of the configured one.
 *
 * <p>Guarantees: the returned {@code Mono} emits exactly one {@link AuthResult} and never fails: an authenticator
 * that cannot reach its backend refuses, with a reason. It must not block the calling thread, an event loop.
 */
public interface Authenticator {

	Mono<AuthResult> authenticate(ConnectionData connection, JsonNode authData);

	/**
	 * Readies what the first login would otherwise pay for (a backend's connection, code not run yet), at start-up,
	 * before the gateway reports itself healthy. Completes, never fails: a backend that cannot be reached now is
	 * tried again by the logins. Bounded by the authenticator's own timeouts.
	 */
	default Mono<Void> warmUp() {
		return Mono.empty();
	}

	/**
	 * Whether the auth data is meant for this authenticator: it holds the parameters this one reads (say a
	 * {@code token}, or a {@code username} and a {@code password}). A {@linkplain ChainAuthenticator chain} asks only
	 * those that recognise a login, and tells a client that none recognised why the last one would refuse it.
	 */
	default boolean recognises(JsonNode authData) {
		return true;
	}

}
