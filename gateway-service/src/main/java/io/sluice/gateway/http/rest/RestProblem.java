package io.sluice.gateway.http.rest;

import java.net.URI;
import java.util.Locale;

import org.springframework.http.HttpStatus;

import io.sluice.gateway.http.Outcome;

/**
 * Every kind of problem the REST resources answer, each with a stable {@code type} URI
 * ({@code https://sluice.io/problems/<slug>}: an identifier, not a page to fetch), a title and a status. The kinds an
 * action can fail with keep deepstream's event name as the problem's {@code code}.
 */
enum RestProblem {

	MESSAGE_DENIED(HttpStatus.FORBIDDEN, "Permission denied"),
	MESSAGE_PERMISSION_ERROR(HttpStatus.FORBIDDEN, "Permission rule failed"),
	RECORD_NOT_FOUND(HttpStatus.NOT_FOUND, "Record not found"),
	VERSION_EXISTS(HttpStatus.PRECONDITION_FAILED, "Version exists"),
	INVALID_VERSION(HttpStatus.PRECONDITION_FAILED, "Invalid version"),
	INVALID_MESSAGE_DATA(HttpStatus.BAD_REQUEST, "Invalid data"),
	RECORD_LOAD_ERROR(HttpStatus.SERVICE_UNAVAILABLE, "Record could not be read"),
	RECORD_UPDATE_ERROR(HttpStatus.SERVICE_UNAVAILABLE, "Record could not be written"),
	NO_RPC_PROVIDER(HttpStatus.SERVICE_UNAVAILABLE, "No RPC provider"),
	ACCEPT_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "RPC not accepted in time"),
	RESPONSE_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "RPC not answered in time"),
	REQUEST_ERROR(HttpStatus.BAD_GATEWAY, "RPC failed"),
	/** An event's history could not be read (its connector failed). */
	HISTORY_READ_ERROR(HttpStatus.SERVICE_UNAVAILABLE, "History could not be read"),
	/** No credentials, or credentials nobody accepts. */
	UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "Not authenticated"),
	/** The body is not JSON. */
	INVALID_JSON(HttpStatus.BAD_REQUEST, "Invalid JSON"),
	/** The body's JSON nests deeper than {@code sluice.gateway.max-json-depth}. */
	JSON_TOO_DEEP(HttpStatus.BAD_REQUEST, "JSON nested too deeply"),
	/** The body is larger than {@code sluice.gateway.max-message-size}. */
	BODY_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "Body too large"),
	/** The body's content type is not one the resource takes. */
	UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
	/** The gateway has {@code sluice.http.max-in-flight} requests in progress: retry after {@code Retry-After}. */
	TOO_MANY_REQUESTS(HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
	/**
	 * The request's address used up its refused logins ({@code sluice.gateway.max-refused-logins-per-second}): the
	 * credentials were not checked; retry after {@code Retry-After}.
	 */
	TOO_MANY_REFUSED_LOGINS(HttpStatus.TOO_MANY_REQUESTS, "Too many refused logins"),
	/** Anything else wrong with the request: a name, a header, a body of the wrong shape. */
	INVALID_REQUEST(HttpStatus.BAD_REQUEST, "Invalid request");

	private static final String BASE = "https://sluice.io/problems/";

	private final HttpStatus status;

	private final String title;

	private final URI type;

	RestProblem(HttpStatus status, String title) {
		this.status = status;
		this.title = title;
		this.type = URI.create(BASE + name().toLowerCase(Locale.ROOT).replace('_', '-'));
	}

	HttpStatus status() {
		return this.status;
	}

	String title() {
		return this.title;
	}

	URI type() {
		return this.type;
	}

	/** The problem an action's failure is. */
	static RestProblem of(Outcome.Kind kind) {
		return valueOf(kind.name());
	}

}
