package io.sluice.gateway.session;

import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * deepstream's open authentication: everyone is let in. The user id is the auth data's {@code username} when it
 * has one, else a generated id.
 */
final class OpenAuthentication {

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * The user id for this auth data (a JSON object), or {@code null} if the data is not a JSON object, which
	 * deepstream answers with {@code INVALID_MESSAGE_DATA}.
	 */
	String authenticate(byte[] authData) {
		if (authData == null) {
			return null;
		}
		JsonNode node;
		try {
			node = this.json.readTree(authData);
		}
		catch (JacksonException ex) {
			return null;
		}
		if (node == null || !node.isObject()) {
			return null;
		}
		JsonNode username = node.get("username");
		if (username != null && username.isString() && !username.asString().isEmpty()) {
			return username.asString();
		}
		return UUID.randomUUID().toString();
	}

}
