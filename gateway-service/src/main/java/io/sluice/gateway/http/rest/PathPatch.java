package io.sluice.gateway.http.rest;

import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/**
 * A PATCH body in deepstream's terms: the value to set at a path ({@code a.b[2].c}), creating what is on the way.
 * @param path where
 * @param value what (any JSON)
 */
@Schema(description = "Set the value at a path, as deepstream's record.set(path, value)")
record PathPatch(@Schema(example = "profile.emails[0]", requiredMode = Schema.RequiredMode.REQUIRED) String path,
		@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Object value) {

	static String path(JsonNode body) {
		JsonNode path = body.get("path");
		if (!body.isObject() || path == null || !path.isString() || path.asString().isEmpty() || !body.has("value")) {
			throw new RestProblemException(RestProblem.INVALID_REQUEST,
					"An application/json PATCH body is {\"path\": \"a.b\", \"value\": ...}; for a JSON Merge Patch send "
							+ "Content-Type: application/merge-patch+json");
		}
		return path.asString();
	}

	static JsonNode value(JsonNode body) {
		return body.get("value");
	}

}
