package io.sluice.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiFunction;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * deepstream's {@code http} authentication: each login is posted as {@code {connectionData, authData}} to a web
 * service, which lets the client in with a permitted status and a body of {@code {id, clientData, serverData}}, or
 * refuses it with any other status (a refusal's {@code clientData} goes to the client as the reason). Statuses
 * listed for retry, failed requests and timeouts are retried; when the retries run out the login is refused with
 * {@code {"error":"AUTH_RETRY_ATTEMPTS_EXCEEDED"}}, as deepstream does.
 *
 * <p>Non-blocking: Reactor Netty's client, on its own event loops.
 */
public final class WebhookAuthenticator implements Authenticator {

	private static final Logger logger = LoggerFactory.getLogger(WebhookAuthenticator.class);

	static final byte[] RETRIES_EXCEEDED = "{\"error\":\"AUTH_RETRY_ATTEMPTS_EXCEEDED\"}"
		.getBytes(StandardCharsets.UTF_8);

	/** deepstream's user id for a login the service accepted without saying who it is. */
	static final String UNNAMED_USER = "OPEN";

	private final WebhookProperties properties;

	private final HttpClient http;

	private final JsonMapper json = JsonMapper.builder().build();

	public WebhookAuthenticator(WebhookProperties properties) {
		this(properties, HttpClient.create());
	}

	WebhookAuthenticator(WebhookProperties properties, HttpClient http) {
		this.properties = properties;
		this.http = http.followRedirect(true);
	}

	@Override
	public Mono<AuthResult> authenticate(ConnectionData connection, JsonNode authData) {
		byte[] body = body(connection, authData);
		return Mono.defer(() -> post(body, authData))
			.retryWhen(Retry.fixedDelay(this.properties.retryAttempts(), this.properties.retryInterval())
				.filter(Retryable.class::isInstance))
			.onErrorResume((ex) -> {
				// Fail closed: a login the service did not answer is refused.
				logger.warn("Authentication webhook {} did not answer a login: {}", this.properties.url(),
						Exceptions.isRetryExhausted(ex) ? ex.getCause().getMessage() : ex.toString());
				return Mono.just(AuthResult.refused(RETRIES_EXCEEDED));
			});
	}

	/**
	 * Runs, once, what the first login would: the JSON of a request and of an answer (introspecting the types takes
	 * Jackson far longer the first time), the client's event loops and resolver, and one {@code HEAD} request to the
	 * webhook's URL, which loads the client's HTTP code and leaves an open connection in its pool. No login is posted:
	 * the service sees a {@code HEAD}, whatever it answers. A webhook that is down is logged and tried again by the
	 * logins.
	 */
	@Override
	public Mono<Void> warmUp() {
		return Mono.fromRunnable(() -> {
			ObjectNode sample = this.json.createObjectNode();
			sample.put("username", "warm-up");
			body(new ConnectionData("127.0.0.1", Map.of("host", "localhost"), "ws://localhost/deepstream"), sample);
			answer(this.properties.permittedStatuses().get(0),
					"{\"id\":\"warm-up\",\"clientData\":{},\"serverData\":{}}".getBytes(StandardCharsets.UTF_8));
		})
			.then(this.http.warmup())
			// Through the same steps as a login's POST, so that their code is loaded too.
			.then(exchange(HttpMethod.HEAD, new byte[0], this.json.createObjectNode(), (status, body) -> status))
			.doOnNext((status) -> logger.debug("Authentication webhook {} answered HEAD with {} at start-up",
					this.properties.url(), status))
			.onErrorResume((ex) -> {
				logger.warn("Authentication webhook {} could not be reached at start-up ({}); logins will try it",
						this.properties.url(), ex.toString());
				return Mono.empty();
			})
			.then();
	}

	private byte[] body(ConnectionData connection, JsonNode authData) {
		ObjectNode request = this.json.createObjectNode();
		request.set("connectionData", this.json.valueToTree(connection));
		request.set("authData", authData);
		return this.json.writeValueAsBytes(request);
	}

	private Mono<AuthResult> post(byte[] body, JsonNode authData) {
		return exchange(HttpMethod.POST, body, authData, this::answer)
			.onErrorMap((ex) -> !(ex instanceof Retryable), Retryable::new);
	}

	private <T> Mono<T> exchange(HttpMethod method, byte[] body, JsonNode authData,
			BiFunction<Integer, byte[], T> answer) {
		return this.http.headers((headers) -> {
			headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
			for (String field : this.properties.promoteToHeader()) {
				JsonNode value = authData.get(field);
				if (value != null && !value.isNull()) {
					headers.set(field, value.isString() ? value.asString() : value.toString());
				}
			}
		})
			.request(method)
			.uri(this.properties.url())
			.send(ByteBufFlux.fromInbound(Mono.just(body)))
			.responseSingle((response, content) -> content.asByteArray()
				.defaultIfEmpty(new byte[0])
				.map((bytes) -> answer.apply(response.status().code(), bytes)))
			.timeout(this.properties.requestTimeout());
	}

	private AuthResult answer(int status, byte[] body) {
		if (this.properties.retryStatuses().contains(status)) {
			throw new Retryable("status " + status);
		}
		JsonNode answer = parse(body);
		if (!this.properties.permittedStatuses().contains(status)) {
			logger.debug("Authentication webhook refused a login with status {}", status);
			byte[] reason = field(answer, "clientData");
			return (reason != null) ? AuthResult.refused(reason) : AuthResult.refused("Invalid authentication details");
		}
		return AuthResult.accepted(userId(answer, body), field(answer, "clientData"), field(answer, "serverData"));
	}

	private String userId(JsonNode answer, byte[] body) {
		if (answer == null) {
			// deepstream takes a body that is not JSON as the user's name.
			String text = new String(body, StandardCharsets.UTF_8).trim();
			return text.isEmpty() ? UNNAMED_USER : text;
		}
		if (answer.isString()) {
			return answer.asString().isEmpty() ? UNNAMED_USER : answer.asString();
		}
		for (String name : new String[] { "id", "username" }) {
			JsonNode id = answer.get(name);
			if (id != null && (id.isString() || id.isNumber()) && !id.asString().isEmpty()) {
				return id.asString();
			}
		}
		return UNNAMED_USER;
	}

	private JsonNode parse(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			return this.json.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private byte[] field(JsonNode answer, String name) {
		JsonNode value = (answer != null && answer.isObject()) ? answer.get(name) : null;
		return (value != null && !value.isNull()) ? this.json.writeValueAsBytes(value) : null;
	}

	@Override
	public String toString() {
		return "webhook " + this.properties.url();
	}

	/** A request worth sending again. */
	static final class Retryable extends RuntimeException {

		Retryable(String message) {
			super(message, null, false, false);
		}

		Retryable(Throwable cause) {
			super(cause.toString(), cause, false, false);
		}

	}

}
