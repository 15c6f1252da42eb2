package io.sluice.gateway.http.rest;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the REST resources: one value per body, nothing after it. */
final class RestJson {

	static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

	private RestJson() {
	}

	/** JSON the server holds (a record's data, an RPC's answer) as a tree; {@code null} for none. */
	static JsonNode tree(byte[] json) {
		return (json != null) ? JSON.readTree(json) : null;
	}

	static byte[] bytes(Object value) {
		return JSON.writeValueAsBytes(value);
	}

}
