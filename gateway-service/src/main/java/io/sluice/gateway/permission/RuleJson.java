package io.sluice.gateway.permission;

import java.util.ArrayDeque;
import java.util.Deque;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the JSON a rule sees ({@code data}, {@code oldData}, the records of {@code _()}) into the tree a mapper's
 * {@code readTree} would give (the last of repeated keys wins, nothing may follow the value), for every message a
 * rule with {@code data} guards. Plain JSON is read by {@link PlainJson}, without a parser; the rest straight from
 * the parser: a mapper would make a deserialization context per call, which a tree does not need; and the parser's
 * buffers come from a pool per thread (an event loop parses one message at a time), not from the shared pool every
 * thread takes them from and gives them back to.
 */
final class RuleJson {

	private static final JsonFactory FACTORY = JsonFactory.builder()
		.recyclerPool(JsonRecyclerPools.threadLocalPool())
		.build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private RuleJson() {
	}

	/**
	 * The tree of one JSON value; a {@link MissingNode} for no value at all.
	 * @throws JacksonException when the bytes are not one valid JSON value
	 */
	static JsonNode read(byte[] json) {
		return read(json, null);
	}

	/**
	 * The tree of one JSON value, with, when it is plain ({@link PlainJson}) and an object, only the members named
	 * ({@code null}: all): a rule that reads nothing else of it sees the same values.
	 * @throws JacksonException when the bytes are not one valid JSON value
	 */
	static JsonNode read(byte[] json, String[] members) {
		JsonNode plain = PlainJson.read(json, members);
		return (plain != null) ? plain : parse(json);
	}

	private static JsonNode parse(byte[] json) {
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), json)) {
			JsonToken first = parser.nextToken();
			if (first == null) {
				return MissingNode.getInstance();
			}
			JsonNode value = value(parser, first);
			JsonToken after = parser.nextToken();
			if (after != null) {
				throw new StreamReadException(parser, "Trailing token (" + after + ") after the JSON value");
			}
			return value;
		}
	}

	/** Containers are filled in a loop with a stack of open ones, so that deep nesting cannot overflow the stack. */
	private static JsonNode value(JsonParser parser, JsonToken first) {
		JsonNode root = scalarOrContainer(parser, first);
		if (!root.isContainer()) {
			return root;
		}
		Deque<JsonNode> open = new ArrayDeque<>();
		open.push(root);
		while (!open.isEmpty()) {
			JsonNode container = open.peek();
			JsonToken token = parser.nextToken();
			if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
				open.pop();
				continue;
			}
			String name = null;
			if (token == JsonToken.PROPERTY_NAME) {
				name = parser.currentName();
				token = parser.nextToken();
			}
			JsonNode child = scalarOrContainer(parser, token);
			if (container instanceof ObjectNode object) {
				object.set(name, child);
			}
			else {
				((ArrayNode) container).add(child);
			}
			if (child.isContainer()) {
				open.push(child);
			}
		}
		return root;
	}

	private static JsonNode scalarOrContainer(JsonParser parser, JsonToken token) {
		return switch (token) {
			case START_OBJECT -> NODES.objectNode();
			case START_ARRAY -> NODES.arrayNode();
			case VALUE_STRING -> NODES.stringNode(parser.getString());
			case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
				case INT -> NODES.numberNode(parser.getIntValue());
				case LONG -> NODES.numberNode(parser.getLongValue());
				default -> NODES.numberNode(parser.getBigIntegerValue());
			};
			case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
			case VALUE_TRUE -> BooleanNode.TRUE;
			case VALUE_FALSE -> BooleanNode.FALSE;
			case VALUE_NULL -> NullNode.getInstance();
			default -> throw new StreamReadException(parser, "Unexpected token " + token);
		};
	}

}
