package io.sluice.gateway.http.deepstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.sluice.gateway.http.AdmissionFilter;
import io.sluice.gateway.http.Caller;
import io.sluice.gateway.http.HttpLogins;
import io.sluice.gateway.http.HttpTokens;
import io.sluice.gateway.http.InFlightLimit;

/**
 * deepstream's HTTP endpoint: {@code POST} a batch of JIF commands to the path, with a token, auth data or neither,
 * and get each command's result; {@code POST} auth data to the auth path for a token. Everything a client can tell
 * apart is deepstream's: the checks and their order, the statuses, the messages of a refused request (plain text
 * ending in a blank line), the JSON of an answered one.
 */
final class DeepstreamHttpEndpoint {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** deepstream's content types, spelt as it does (Spring would write {@code charset=UTF-8}). */
	private static final String TEXT = "text/plain; charset=utf-8";

	private static final String JSON_UTF8 = "application/json; charset=utf-8";

	private static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.UTF_8);

	private final HttpLogins logins;

	private final HttpTokens tokens;

	private final JifBatch batch;

	private final boolean allowAuthData;

	private final int maxBodyBytes;

	DeepstreamHttpEndpoint(HttpLogins logins, HttpTokens tokens, JifBatch batch, boolean allowAuthData,
			int maxBodyBytes) {
		this.logins = logins;
		this.tokens = tokens;
		this.batch = batch;
		this.allowAuthData = allowAuthData;
		this.maxBodyBytes = maxBodyBytes;
	}

	/** {@code POST} to the path: authenticate, check every command, run them. */
	Mono<ServerResponse> post(ServerRequest request) {
		return body(request, (message) -> {
			JsonNode body = message.get("body");
			if (body == null || !body.isArray() || body.isEmpty()) {
				String must = truthy(body) ? "be a non-empty array of Objects." : "exist.";
				return text(HttpStatus.BAD_REQUEST, "Invalid message: the \"body\" parameter must " + must);
			}
			JsonNode authData = message.get("authData");
			JsonNode token = message.get("token");
			Mono<Caller> caller;
			if (authData != null) {
				if (!this.allowAuthData) {
					return text(HttpStatus.BAD_REQUEST,
							"Authentication using authData is disabled. Try using a token instead.");
				}
				if (!authData.isObject() && !authData.isArray()) {
					return text(HttpStatus.BAD_REQUEST, "Invalid message: the \"authData\" parameter must be an object");
				}
				caller = authenticate(request, authData);
			}
			else if (token != null) {
				if (!token.isString() || token.asString().isEmpty()) {
					return text(HttpStatus.BAD_REQUEST,
							"Invalid message: the \"token\" parameter must be a non-empty string");
				}
				caller = withToken(request, token.asString());
			}
			else {
				caller = authenticate(request, JsonNodeFactory.instance.objectNode());
			}
			return caller.flatMap((who) -> run(who, body))
				.onErrorResume(HttpLogins.Refused.class,
						(ex) -> text(HttpStatus.UNAUTHORIZED, "Unsuccessful authentication attempt."))
				.onErrorResume(HttpLogins.TooManyRefusedLogins.class, DeepstreamHttpEndpoint::tooManyRefused);
		});
	}

	/** {@code POST} to the auth path: the body is the auth data; answers a token and the client data. */
	Mono<ServerResponse> auth(ServerRequest request) {
		return body(request, (authData) -> authenticate(request, authData).flatMap((caller) -> {
			ObjectNode answer = JsonNodeFactory.instance.objectNode()
				.put("token", this.tokens.issue(caller.userId(), serverData(caller), caller.clientData()));
			if (caller.clientData() != null) {
				answer.set("clientData", JifResults.json(caller.clientData()));
			}
			return json(answer);
		})
			.onErrorResume(HttpLogins.Refused.class,
					(ex) -> text(HttpStatus.UNAUTHORIZED, "Invalid authentication data."))
			.onErrorResume(HttpLogins.TooManyRefusedLogins.class, DeepstreamHttpEndpoint::tooManyRefused));
	}

	/** deepstream has no such limit: 429, in its manner of plain text. */
	private static Mono<ServerResponse> tooManyRefused(HttpLogins.TooManyRefusedLogins ex) {
		return text(HttpStatus.TOO_MANY_REQUESTS, ex.getMessage() + ".", ex.retryAfterSeconds());
	}

	/** {@code GET} on the path: deepstream has no reads by GET. */
	Mono<ServerResponse> get(ServerRequest request) {
		return text(HttpStatus.BAD_REQUEST,
				"Reading records via HTTP GET is not yet implemented, please use a post request instead.");
	}

	private Mono<ServerResponse> run(Caller caller, JsonNode body) {
		List<JifCommand> commands = new ArrayList<>(body.size());
		for (int i = 0; i < body.size(); i++) {
			JifParser.Parsed parsed = JifParser.parse(body.get(i));
			if (!parsed.valid()) {
				String message = "Failed to parse JIF object at index " + i + ".";
				return text(HttpStatus.BAD_REQUEST,
						(parsed.reason() != null) ? message + " Reason: " + parsed.reason() : message);
			}
			commands.add(parsed.command());
		}
		return this.batch.run(caller, commands).flatMap(DeepstreamHttpEndpoint::json);
	}

	/**
	 * The body as JSON, given to {@code handler}; or deepstream's refusal of it: a content type other than JSON,
	 * more than the largest message, or text that is not a JSON object or array. An empty body is {@code {}}.
	 */
	private Mono<ServerResponse> body(ServerRequest request,
			Function<JsonNode, Mono<ServerResponse>> handler) {
		if (!isJson(request)) {
			return text(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					"Invalid \"Content-Type\" header. Supported media types: \"application/json\"");
		}
		return DataBufferUtils.join(request.exchange().getRequest().getBody(), this.maxBodyBytes)
			.map((buffer) -> {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				DataBufferUtils.release(buffer);
				return bytes;
			})
			.defaultIfEmpty(new byte[0])
			.flatMap((bytes) -> {
				JsonNode parsed;
				try {
					parsed = parse(bytes);
				}
				catch (JacksonException ex) {
					return bodyRefused(reason(ex));
				}
				catch (IllegalArgumentException ex) {
					return bodyRefused(ex.getMessage());
				}
				return handler.apply(parsed);
			})
			.onErrorResume(DataBufferLimitException.class, (ex) -> bodyRefused("request entity too large"));
	}

	/** As deepstream's body parser: only an object or an array, nothing at all being {@code {}}. */
	static JsonNode parse(byte[] bytes) {
		String text = new String(bytes, StandardCharsets.UTF_8).strip();
		if (text.isEmpty()) {
			return JsonNodeFactory.instance.objectNode();
		}
		char first = text.charAt(0);
		if (first != '{' && first != '[') {
			throw new IllegalArgumentException("Unexpected token '" + first + "', \"" + text + "\" is not valid JSON");
		}
		return JSON.readTree(bytes);
	}

	/** The parser's reason, without where its input came from (which it does not say anyway). */
	private static String reason(JacksonException ex) {
		String reason = String.valueOf(ex.getOriginalMessage());
		int source = reason.indexOf(" (for ");
		reason = (source > 0) ? reason.substring(0, source) : reason;
		int line = reason.indexOf('\n');
		reason = (line > 0) ? reason.substring(0, line) : reason;
		long position = (ex.getLocation() != null) ? ex.getLocation().getByteOffset() : -1;
		return (position >= 0) ? reason + " at position " + position : reason;
	}

	private static Mono<ServerResponse> bodyRefused(String reason) {
		return text(HttpStatus.BAD_REQUEST, "Failed to parse body of request: " + reason);
	}

	private static boolean isJson(ServerRequest request) {
		try {
			MediaType type = request.headers().contentType().orElse(null);
			return type != null && type.getType().equalsIgnoreCase("application")
					&& type.getSubtype().equalsIgnoreCase("json");
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	/**
	 * The caller a token stands for: one of this cluster's tokens, or else whatever the authenticator makes of
	 * {@code {token}} (a JWT strategy takes it; deepstream passes it on the same way).
	 */
	private Mono<Caller> withToken(ServerRequest request, String token) {
		try {
			return Mono.just(this.tokens.verify(token));
		}
		catch (HttpTokens.InvalidTokenException ex) {
			return authenticate(request, JsonNodeFactory.instance.objectNode().put("token", token));
		}
	}

	/** The caller; {@link HttpLogins.Refused} when the authenticator refuses. */
	private Mono<Caller> authenticate(ServerRequest request, JsonNode authData) {
		return this.logins.login(request.exchange().getRequest(), authData);
	}

	private static byte[] serverData(Caller caller) {
		JsonNode data = caller.subject().userData();
		return (data != null) ? JSON.writeValueAsBytes(data) : null;
	}

	/** JavaScript's truthiness of a JSON value, absent being {@code undefined}. */
	private static boolean truthy(JsonNode value) {
		if (value == null || value.isNull() || value.isMissingNode()) {
			return false;
		}
		if (value.isBoolean()) {
			return value.booleanValue();
		}
		if (value.isNumber()) {
			return value.doubleValue() != 0;
		}
		if (value.isString()) {
			return !value.asString().isEmpty();
		}
		return true;
	}

	private static Mono<ServerResponse> text(HttpStatus status, String message) {
		return text(status, message, 0);
	}

	/** deepstream's plain-text answer; with a {@code Retry-After} when {@code retryAfterSeconds} is positive. */
	private static Mono<ServerResponse> text(HttpStatus status, String message, long retryAfterSeconds) {
		byte[] bytes = (message + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
		ServerResponse.BodyBuilder response = ServerResponse.status(status)
			.header(HttpHeaders.CONTENT_TYPE, TEXT)
			.header("Access-Control-Allow-Origin", "*");
		if (retryAfterSeconds > 0) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
		}
		return response.bodyValue(bytes);
	}

	private static Mono<ServerResponse> json(ObjectNode answer) {
		return ServerResponse.ok()
			.header(HttpHeaders.CONTENT_TYPE, JSON_UTF8)
			.header("Access-Control-Allow-Origin", "*")
			.bodyValue(jsonBytes(answer));
	}

	/** JSON as deepstream ends it, with a blank line. */
	private static byte[] jsonBytes(ObjectNode answer) {
		byte[] json = JSON.writeValueAsBytes(answer);
		byte[] bytes = new byte[json.length + END.length];
		System.arraycopy(json, 0, bytes, 0, json.length);
		System.arraycopy(END, 0, bytes, json.length, END.length);
		return bytes;
	}

	/** Admits the requests to {@code paths} against the gateway's limit, refusing in this endpoint's JSON. */
	static AdmissionFilter admission(InFlightLimit limit, Scheduler scheduler, Set<String> paths) {
		HttpHeaders headers = new HttpHeaders();
		headers.set("Access-Control-Allow-Origin", "*");
		return new AdmissionFilter(limit, scheduler, (request) -> paths.contains(request.getPath().pathWithinApplication().value()),
				JSON_UTF8, jsonBytes(JifResults.tooManyRequests(limit.reason())), headers);
	}

}
