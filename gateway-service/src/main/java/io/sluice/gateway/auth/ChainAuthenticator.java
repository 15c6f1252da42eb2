package io.sluice.gateway.auth;

import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Several authenticators in order, as deepstream's list of {@code auth} entries: each that
 * {@linkplain Authenticator#recognises recognises} the login is asked in turn, the first to accept it logs the client
 * in, and a refusal passes the login on to the next. When all refuse, the client is told the reason of the last that
 * was asked; when none recognised the login, the reason the last of the chain gives (such as a missing parameter).
 */
public final class ChainAuthenticator implements Authenticator, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ChainAuthenticator.class);

	private final List<Authenticator> authenticators;

	public ChainAuthenticator(List<Authenticator> authenticators) {
		if (authenticators.isEmpty()) {
			throw new IllegalArgumentException("A chain needs at least one authenticator");
		}
		this.authenticators = List.copyOf(authenticators);
	}

	@Override
	public Mono<AuthResult> authenticate(ConnectionData connection, JsonNode authData) {
		List<Authenticator> asked = this.authenticators.stream().filter((each) -> each.recognises(authData)).toList();
		if (asked.isEmpty()) {
			return this.authenticators.get(this.authenticators.size() - 1).authenticate(connection, authData);
		}
		// One at a time, in order, until one accepts: concatMap asks the next only after the last refused.
		return Flux.fromIterable(asked)
			.concatMap((each) -> each.authenticate(connection, authData)
				.defaultIfEmpty(AuthResult.refused("Authentication failed")), 1)
			.takeUntil(AuthResult::accepted)
			.last();
	}

	@Override
	public Mono<Void> warmUp() {
		return Flux.fromIterable(this.authenticators).concatMap(Authenticator::warmUp).then();
	}

	@Override
	public void close() throws Exception {
		for (Authenticator each : this.authenticators) {
			if (each instanceof AutoCloseable closeable) {
				try {
					closeable.close();
				}
				catch (Exception ex) {
					logger.warn("Closing {} failed", each, ex);
				}
			}
		}
	}

	@Override
	public String toString() {
		return this.authenticators.stream().map(Object::toString).collect(Collectors.joining(", ", "chain [", "]"));
	}

}
