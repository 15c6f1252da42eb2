package io.sluice.gateway.http.rest;


import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

import io.sluice.gateway.auth.AuthResult;
import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.http.Caller;
import io.sluice.gateway.http.HttpLogins;
import io.sluice.gateway.http.HttpTokens;

/**
 * Who a REST request acts for. {@code Authorization: Bearer <token>} carries either a token of deepstream's
 * {@code /api/auth} (checked here: signature and expiry) or, failing that, a token for the configured
 * {@link Authenticator}, given to it as the auth data {@code {"token": ...}} (the {@code jwt} strategy reads it).
 * Without the header the authenticator is asked with the auth data {@code {}}, as a client's {@code login()} without
 * data is, when it {@linkplain Authenticator#recognises recognises} that: so open authentication lets the request in
 * as an anonymous caller (a generated user id), while {@code jwt} and {@code file} refuse it without work.
 *
 * <p>Nothing is cached: a token of {@code /api/auth} is checked by one HMAC, and every other login costs what a
 * WebSocket login costs, once per request, and counts against the same allowance of refused logins per address
 * ({@link HttpLogins}).
 */
final class RestCallers {

	private static final String BEARER = "Bearer ";

	private final HttpTokens tokens;

	private final HttpLogins logins;

	RestCallers(HttpTokens tokens, HttpLogins logins) {
		this.tokens = tokens;
		this.logins = logins;
	}

	/**
	 * The caller; or an {@link RestProblem#UNAUTHORIZED} problem saying why there is none, or
	 * {@link RestProblem#TOO_MANY_REFUSED_LOGINS} when the request's address has no refused login left.
	 */
	Mono<Caller> caller(ServerHttpRequest request) {
		String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		ObjectNode authData = RestJson.JSON.createObjectNode();
		if (authorization != null) {
			if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
					|| authorization.length() == BEARER.length()) {
				return Mono.error(new RestProblemException(RestProblem.UNAUTHORIZED,
						"The Authorization header must be 'Bearer <token>'"));
			}
			String token = authorization.substring(BEARER.length()).trim();
			try {
				return Mono.just(this.tokens.verify(token));
			}
			catch (HttpTokens.InvalidTokenException ex) {
				// Not one of ours: perhaps the authenticator's (a JWT of an identity provider).
				authData.put("token", token);
			}
		}
		else if (!this.logins.recognises(authData)) {
			return Mono.error(new RestProblemException(RestProblem.UNAUTHORIZED,
					"The request needs credentials: Authorization: Bearer <token>"));
		}
		return this.logins.login(request, authData)
			.onErrorMap(HttpLogins.Refused.class, (ex) -> new RestProblemException(RestProblem.UNAUTHORIZED,
					"The credentials were refused: " + reason(ex.result())))
			.onErrorMap(HttpLogins.TooManyRefusedLogins.class,
					(ex) -> new RestProblemException(RestProblem.TOO_MANY_REFUSED_LOGINS, ex.getMessage(),
							ex.retryAfterSeconds()));
	}

	private static String reason(AuthResult result) {
		if (result.clientData() == null) {
			return "no reason given";
		}
		JsonNode reason = RestJson.tree(result.clientData());
		return reason.isString() ? reason.asString() : reason.toString();
	}

}
