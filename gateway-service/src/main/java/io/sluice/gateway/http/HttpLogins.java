package io.sluice.gateway.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.server.reactive.ServerHttpRequest;

import io.sluice.gateway.auth.AuthResult;
import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.auth.ConnectionData;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.session.RefusedLogins;

/**
 * Logins through the HTTP API, by the gateway's {@link Authenticator}, within the same allowance of refused logins
 * per remote address as WebSocket logins ({@code sluice.gateway.max-refused-logins-per-second}): a request from an
 * address with none left is refused before the authenticator is asked, so that the HTTP API is no way around the
 * limit for guessing passwords. The authenticator sees the request as it sees a WebSocket's upgrade: the remote
 * address, the headers by lower-case name (the first of a repeated one) and the URL.
 */
public final class HttpLogins {

	private static final Logger logger = LoggerFactory.getLogger(HttpLogins.class);

	private final Authenticator authenticator;

	private final RefusedLogins refusedLogins;

	public HttpLogins(Authenticator authenticator, RefusedLogins refusedLogins) {
		this.authenticator = authenticator;
		this.refusedLogins = refusedLogins;
	}

	/** Whether the authenticator would read this auth data at all ({@link Authenticator#recognises}). */
	public boolean recognises(JsonNode authData) {
		return this.authenticator.recognises(authData);
	}

	/**
	 * The caller the authenticator accepts, or empty when it refuses (the refusal counted against the address);
	 * {@link TooManyRefusedLogins} when the address has no refusal left.
	 */
	public Mono<Caller> login(ServerHttpRequest request, JsonNode authData) {
		ConnectionData connection = connection(request);
		String address = RefusedLogins.address(request.getRemoteAddress());
		Duration wait = this.refusedLogins.wait(address);
		if (!wait.isZero()) {
			logger.debug("An HTTP login was refused without asking: too many refused logins from {}", address);
			return Mono.error(new TooManyRefusedLogins(wait));
		}
		return Mono.defer(() -> this.authenticator.authenticate(connection, authData))
			.onErrorResume((ex) -> {
				// Fail closed, as WebSocket logins do: an authenticator that failed refuses.
				logger.error("Authenticator {} failed for an HTTP request from {}", this.authenticator, address, ex);
				return Mono.just(AuthResult.refused("Authentication failed"));
			})
			.defaultIfEmpty(AuthResult.refused("Authentication failed"))
			.flatMap((result) -> {
				if (!result.accepted()) {
					this.refusedLogins.refused(address);
					return Mono.error(new Refused(result));
				}
				return Mono.just(new Caller(Permissions.Subject.of(result.userId(), result.serverData()),
						result.clientData()));
			});
	}

	private static ConnectionData connection(ServerHttpRequest request) {
		Map<String, String> headers = new LinkedHashMap<>();
		request.getHeaders().forEach((name, values) -> {
			if (!values.isEmpty()) {
				headers.putIfAbsent(name.toLowerCase(Locale.ROOT), values.get(0));
			}
		});
		InetSocketAddress remote = request.getRemoteAddress();
		String address = (remote == null) ? null
				: (remote.getAddress() != null) ? remote.getAddress().getHostAddress() : remote.getHostString();
		return new ConnectionData(address, headers, request.getURI().toString());
	}

	/** The authenticator refused the login. */
	public static final class Refused extends RuntimeException {

		private final transient AuthResult result;

		Refused(AuthResult result) {
			super("The credentials were refused", null, false, false);
			this.result = result;
		}

		/** The refusal, with the authenticator's reason as its client data (JSON), if it gave one. */
		public AuthResult result() {
			return this.result;
		}

	}

	/** The request's address has no refused login left: the authenticator was not asked. */
	public static final class TooManyRefusedLogins extends RuntimeException {

		private final Duration wait;

		TooManyRefusedLogins(Duration wait) {
			super("Too many refused logins from this address: try again later", null, false, false);
			this.wait = wait;
		}

		/** Whole seconds until the address may try again, at least one: a {@code Retry-After}. */
		public long retryAfterSeconds() {
			return Math.max(1, (this.wait.toMillis() + 999) / 1000);
		}

	}

}
