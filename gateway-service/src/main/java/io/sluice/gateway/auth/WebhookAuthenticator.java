package io.sluice.gateway.auth;

import java.net.URI;
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
import reactor.netty.http.server.HttpServer;
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
				logger.warn("Authentication webhook {} did not answer a login: {}",
						LoggedUrl.of(this.properties.url()), Exceptions.isRetryExhausted(ex) ? ex.getCause().getMessage() : ex.toString());
				return Mono.just(AuthResult.refused(RETRIES_EXCEEDED));
			});
	}

	/**
	 * Runs, once, what the first login would, so that the first client does not wait for code being loaded and
	 * linked: a whole login rehearsed against a stand-in webhook on loopback (the JSON of the request and of the
	 * answer, the retry and timeout steps, a POST and its answer), then one {@code HEAD} request to the webhook's URL
	 * through the same steps, which leaves an open connection in the client's pool. No login is posted to the
	 * service: it sees a {@code HEAD}, whatever it answers. A webhook that is down is logged and tried again by the
	 * logins.
	 */
	@Override
	public Mono<Void> warmUp() {
		return rehearse().then(this.http.warmup())
			.then(exchange(HttpMethod.HEAD, new byte[0], this.json.createObjectNode(), (status, body) -> status))
			.doOnNext((status) -> logger.debug("Authentication webhook {} answered HEAD with {} at start-up",
					LoggedUrl.of(this.properties.url()), status))
			.onErrorResume((ex) -> {
				logger.warn("Authentication webhook {} could not be reached at start-up ({}); logins will try it",
						LoggedUrl.of(this.properties.url()), ex.toString());
				return Mono.empty();
			})
			.then();
	}

	/** One login, start to end, against a stand-in webhook on loopback that lets everyone in. */
	private Mono<Void> rehearse() {
		ObjectNode authData = this.json.createObjectNode().put("username", "warm-up");
		ConnectionData connection = new ConnectionData("127.0.0.1", Map.of("host", "localhost"),
				"ws://localhost/deepstream");
		return Mono.usingWhen(
				HttpServer.create()
					.host("127.0.0.1")
					.port(0)
					.handle((request, response) -> request.receive()
						.then(response.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
							.sendString(Mono.just("{\"id\":\"warm-up\",\"clientData\":{},\"serverData\":{}}"))
							.then()))
					.bind(),
				(standIn) -> {
					URI url = URI.create("http://127.0.0.1:" + standIn.port() + this.properties.url().getRawPath());
					return new WebhookAuthenticator(WebhookProperties.of(url), this.http)
						.authenticate(connection, authData)
						.then();
				},
				(standIn) -> {
					standIn.dispose();
					return standIn.onDispose();
				})
			.onErrorResume((ex) -> {
				logger.debug("Rehearsing a login on loopback failed", ex);
				return Mono.empty();
			});
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
		return "webhook " + LoggedUrl.of(this.properties.url());
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
