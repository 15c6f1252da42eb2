package io.sluice.record.write;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.sluice.record.InvalidRecordDataException;

/** Reading and writing record data: UTF-8 JSON, an object or an array at the top, within set limits. */
final class RecordJson {

	private final JsonFactory factory;

	private final JsonMapper mapper;

	RecordJson(int maxNestingDepth) {
		this.factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
			.build();
		this.mapper = JsonMapper.builder(this.factory).build();
	}

	/** Parses any JSON value, such as a patch's value. */
	JsonNode value(String recordName, byte[] json) {
		requireData(recordName, json);
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

	/**
	 * Checks a whole record's data as {@link #document} does (valid JSON, an object or an array, nothing after it,
	 * within the nesting limit) without building it: a set stores the bytes it was given, so nothing needs the tree.
	 * @return {@code json} itself
	 */
	byte[] checkedDocument(String recordName, byte[] json) {
		requireData(recordName, json);
		// A parser straight from the factory: the mapper's would carry a deserialization context made per call, which
		// reading tokens never uses.
		try (JsonParser parser = this.factory.createParser(ObjectReadContext.empty(), json)) {
			JsonToken first = parser.nextToken();
			if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
				throw new InvalidRecordDataException(recordName, "Data for record '" + recordName
						+ "' must be a JSON object or array, was " + ((first != null) ? first.name() : "empty"));
			}
			// Reads every token to the end of the value, so the nesting limit and the syntax are checked throughout.
			parser.skipChildren();
			JsonToken after = parser.nextToken();
			if (after != null) {
				throw new InvalidRecordDataException(recordName, "Data for record '" + recordName
						+ "' is not valid JSON: " + after.name() + " after the end of the value");
			}
			return json;
		}
		catch (JacksonException ex) {
			throw new InvalidRecordDataException(recordName,
					"Data for record '" + recordName + "' is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	private static void requireData(String recordName, byte[] json) {
		if (json == null || json.length == 0) {
			throw new InvalidRecordDataException(recordName, "No data was given for record '" + recordName + "'");
		}
	}

	byte[] bytes(JsonNode node) {
		return this.mapper.writeValueAsBytes(node);
	}

}
