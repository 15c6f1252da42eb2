package io.sluice.record;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading and writing record data: UTF-8 JSON, an object or an array at the top, within set limits. */
final class RecordJson {

	private final JsonMapper mapper;

	RecordJson(int maxNestingDepth) {
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
			.build();
		this.mapper = JsonMapper.builder(factory).build();
	}

	/** Parses any JSON value, such as a patch's value. */
	JsonNode value(String recordName, byte[] json) {
		if (json == null || json.length == 0) {
			throw new InvalidRecordDataException(recordName, "No data was given for record '" + recordName + "'");
		}
		try {
			return this.mapper.readTree(json);
		}
		catch (JacksonException ex) {
			throw new InvalidRecordDataException(recordName,
					"Data for record '" + recordName + "' is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	/** Parses a whole record's data, which must be an object or an array. */
	JsonNode document(String recordName, byte[] json) {
		JsonNode node = value(recordName, json);
		if (!node.isContainer()) {
			throw new InvalidRecordDataException(recordName,
					"Data for record '" + recordName + "' must be a JSON object or array, was " + node.getNodeType());
		}
		return node;
	}

	byte[] bytes(JsonNode node) {
		return this.mapper.writeValueAsBytes(node);
	}

}
