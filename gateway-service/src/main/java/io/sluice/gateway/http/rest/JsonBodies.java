package io.sluice.gateway.http.rest;

import java.util.List;
import java.util.Optional;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;

import io.sluice.gateway.protocol.JsonDepth;

/**
 * Reads a request's body as JSON within the gateway's limits, the same as a WebSocket message's:
 * {@code sluice.gateway.max-message-size} bytes and {@code sluice.gateway.max-json-depth} levels of nesting. A body
 * over the size is refused as soon as its {@code Content-Length} says so, else once that many bytes have arrived;
 * nothing larger is ever held.
 */
final class JsonBodies {

	/** {@code application/json} and every {@code application/*+json}. */
	static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON, new MediaType("application", "*+json"));

	private final int maxBytes;

	private final int maxDepth;

	JsonBodies(int maxBytes, int maxDepth) {
		this.maxBytes = maxBytes;
		this.maxDepth = maxDepth;
	}

	/** The body, which must be JSON of one of the {@code accepted} types. */
	Mono<JsonBody> required(ServerHttpRequest request, List<MediaType> accepted) {
		return optional(request, accepted).switchIfEmpty(Mono.error(
				() -> new RestProblemException(RestProblem.INVALID_REQUEST, "The request needs a JSON body")));
	}

	/** The data of an event or RPC: the JSON body, or none (an empty body). */
	Mono<Optional<byte[]>> data(ServerHttpRequest request) {
		return optional(request, JSON).map((body) -> Optional.of(body.bytes())).defaultIfEmpty(Optional.empty());
	}

	/** The body, which must be JSON of one of the {@code accepted} types when there is one; empty when there is none. */
	Mono<JsonBody> optional(ServerHttpRequest request, List<MediaType> accepted) {
		long declared = request.getHeaders().getContentLength();
		if (declared > this.maxBytes) {
			return Mono.error(tooLarge());
		}
		MediaType type = request.getHeaders().getContentType();
		if (type != null && accepted.stream().noneMatch((each) -> each.includes(type))) {
			return Mono.error(unsupported(type.toString(), accepted));
		}
		return DataBufferUtils.join(request.getBody(), this.maxBytes)
			.onErrorMap(DataBufferLimitException.class, (ex) -> tooLarge())
			.map((buffer) -> {
				try {
					byte[] bytes = new byte[buffer.readableByteCount()];
					buffer.read(bytes);
					return bytes;
				}
				finally {
					DataBufferUtils.release(buffer);
				}
			})
			.filter((bytes) -> bytes.length > 0)
			.map((bytes) -> parse(bytes, type, accepted));
	}

	JsonBody parse(byte[] bytes, MediaType type, List<MediaType> accepted) {
		if (type == null) {
			throw unsupported("none", accepted);
		}
		// Counted before parsing, so that a few bytes of [[[[... never reach the parser.
		if (JsonDepth.exceeds(bytes, this.maxDepth)) {
			throw new RestProblemException(RestProblem.JSON_TOO_DEEP,
					"The body's JSON nests deeper than " + this.maxDepth + " levels");
		}
		try {
			JsonNode tree = RestJson.JSON.readTree(bytes);
			if (tree == null || tree.isMissingNode()) {
				throw new RestProblemException(RestProblem.INVALID_JSON, "The body holds no JSON value");
			}
			return new JsonBody(bytes, tree);
		}
		catch (JacksonException ex) {
			throw new RestProblemException(RestProblem.INVALID_JSON, "The body is not valid JSON: "
					+ ex.getOriginalMessage());
		}
	}

	private RestProblemException tooLarge() {
		return new RestProblemException(RestProblem.BODY_TOO_LARGE,
				"The body is larger than " + this.maxBytes + " bytes (sluice.gateway.max-message-size)");
	}

	private static RestProblemException unsupported(String type, List<MediaType> accepted) {
		return new RestProblemException(RestProblem.UNSUPPORTED_MEDIA_TYPE,
				"Content-Type " + type + " is not accepted here; send " + accepted);
	}

}
