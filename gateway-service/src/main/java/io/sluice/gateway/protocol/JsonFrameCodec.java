package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON encoding of the deepstream messages, as the client's {@code jsonTransportMode} speaks it: each text frame
 * is one JSON object whose fields are named as in the protobuf.js message objects ({@code topic}, {@code action},
 * {@code name}, {@code data}, ...). {@code data} is JSON text inside a JSON string, as in the binary protocol; the
 * client also sends its {@code parsedData} object, which is read only when {@code data} is absent. Fields that are
 * absent, {@code false}, zero or empty are left out, except a set {@code version}, which the client needs even when
 * it is 0. Events of names that keep history also have {@code offset} and {@code epoch}, and the acknowledgement of a
 * subscribe that asked to recover has {@code recovered} ({@link EventPosition}).
 */
public final class JsonFrameCodec implements FrameCodec {

	private final JsonMapper json;

	/** @param maxDepth how deeply a frame may nest, beyond which it is refused without being parsed further */
	public JsonFrameCodec(int maxDepth) {
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
			.build();
		this.json = JsonMapper.builder(factory).build();
	}

	@Override
	public Message decode(byte[] frame) {
		JsonNode root;
		try {
			root = this.json.readTree(frame);
		}
		catch (JacksonException ex) {
			throw new ProtocolException("Not JSON: " + ex.getOriginalMessage());
		}
		if (root == null || !root.isObject()) {
			throw new ProtocolException("A JSON frame must be one JSON object");
		}
		int topic = integer(root, "topic", true).intValue();
		if (Schema.layout(topic) == null || Topic.name(topic) == null) {
			throw new ProtocolException(ParserAction.UNKNOWN_TOPIC, "Unknown topic " + topic);
		}
		int action = integer(root, "action", true).intValue();
		if (Topic.actionName(topic, action) == null) {
			throw new ProtocolException(ParserAction.UNKNOWN_ACTION, "Unknown action " + action + " on topic " + Topic.name(topic));
		}
		Long version = integer(root, "version", false);
		Long originalTopic = integer(root, "originalTopic", false);
		Long originalAction = integer(root, "originalAction", false);
		return Message.builder(topic, action)
			.name(text(root, "name"))
			.data(data(root))
			.correlationId(text(root, "correlationId"))
			.isAck(flag(root, "isAck"))
			.isError(flag(root, "isError"))
			.isWriteAck(flag(root, "isWriteAck"))
			.path(text(root, "path"))
			.version(version)
			.names(names(root))
			.versions(versions(root))
			.originalTopic((originalTopic != null) ? originalTopic.intValue() : 0)
			.originalAction((originalAction != null) ? originalAction.intValue() : 0)
			.url(text(root, "url"))
			.protocolVersion(text(root, "protocolVersion"))
			.sdkVersion(text(root, "sdkVersion"))
			.sdkType(text(root, "sdkType"))
			.subscription(text(root, "subscription"))
			.requestorName(text(root, "requestorName"))
			.position(position(root, topic))
			.build();
	}

	@Override
	public byte[] encode(Message message) {
		ObjectNode node = this.json.createObjectNode();
		node.put("topic", message.topic());
		node.put("action", message.action());
		putText(node, "name", message.name());
		putText(node, "data", message.dataText());
		putText(node, "correlationId", message.correlationId());
		putFlag(node, "isAck", message.isAck());
		putFlag(node, "isError", message.isError());
		putFlag(node, "isWriteAck", message.isWriteAck());
		putText(node, "path", message.path());
		if (message.version() != null) {
			node.put("version", message.version());
		}
		if (!message.names().isEmpty()) {
			message.names().forEach(node.putArray("names")::add);
		}
		if (!message.versions().isEmpty()) {
			ObjectNode versions = node.putObject("versions");
			message.versions().forEach(versions::put);
		}
		if (message.originalTopic() != 0) {
			node.put("originalTopic", message.originalTopic());
		}
		if (message.originalAction() != 0) {
			node.put("originalAction", message.originalAction());
		}
		putText(node, "url", message.url());
		putText(node, "protocolVersion", message.protocolVersion());
		putText(node, "sdkVersion", message.sdkVersion());
		putText(node, "sdkType", message.sdkType());
		putText(node, "subscription", message.subscription());
		putText(node, "requestorName", message.requestorName());
		if (message.requestorData() != null) {
			// The JSON value itself, as the binary client hands it to the provider once it has parsed the text.
			node.set("requestorData", this.json.readTree(message.requestorData()));
		}
		EventPosition position = message.position();
		if (position != null) {
			if (position.offset() != null) {
				node.put("offset", position.offset());
			}
			putText(node, "epoch", position.epoch());
			if (position.recovered() != null) {
				node.put("recovered", position.recovered());
			}
		}
		return this.json.writeValueAsBytes(node);
	}

	@Override
	public byte[] fromBinary(byte[] binaryFrame) {
		return encode(MessageCodec.decode(binaryFrame));
	}

	@Override
	public boolean isText() {
		return true;
	}

	@Override
	public String toString() {
		return "json";
	}

	private byte[] data(JsonNode root) {
		JsonNode data = root.get("data");
		if (data == null || data.isNull()) {
			// The client sends parsedData beside data; a hand-written client may send only the object.
			JsonNode parsed = root.get("parsedData");
			return (parsed != null && !parsed.isNull() && !parsed.isMissingNode())
					? this.json.writeValueAsBytes(parsed) : null;
		}
		if (data.isString()) {
			return data.asString().getBytes(StandardCharsets.UTF_8);
		}
		// A JSON value in place of its text: accepted, as it can only mean that value.
		return this.json.writeValueAsBytes(data);
	}

	/**
	 * The {@code epoch} and {@code offset} a client sends on an event subscribe to recover what it missed; refused on
	 * other topics, which have no history.
	 */
	private static EventPosition position(JsonNode root, int topic) {
		String epoch = text(root, "epoch");
		JsonNode offset = root.get("offset");
		boolean hasOffset = offset != null && !offset.isNull();
		if (epoch == null && !hasOffset) {
			return null;
		}
		if (topic != Topic.EVENT) {
			throw new ProtocolException("Fields epoch and offset are for event messages only");
		}
		if (hasOffset && (!offset.isIntegralNumber() || !offset.canConvertToLong() || offset.longValue() < 0)) {
			throw new ProtocolException("Field offset must be a whole number, 0 or more");
		}
		return new EventPosition(epoch, hasOffset ? offset.longValue() : null, null);
	}

	private static String text(JsonNode root, String field) {
		JsonNode node = root.get(field);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw new ProtocolException("Field " + field + " must be a string");
		}
		return node.asString();
	}

	private static boolean flag(JsonNode root, String field) {
		JsonNode node = root.get(field);
		if (node == null || node.isNull()) {
			return false;
		}
		if (!node.isBoolean()) {
			throw new ProtocolException("Field " + field + " must be true or false");
		}
		return node.booleanValue();
	}

	private static Long integer(JsonNode root, String field, boolean required) {
		JsonNode node = root.get(field);
		if (node == null || node.isNull()) {
			if (required) {
				throw new ProtocolException("Missing field " + field);
			}
			return null;
		}
		if (!node.isIntegralNumber() || !node.canConvertToInt()) {
			throw new ProtocolException("Field " + field + " must be a 32-bit integer");
		}
		return (long) node.intValue();
	}

	private static List<String> names(JsonNode root) {
		JsonNode node = root.get("names");
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isArray()) {
			throw new ProtocolException("Field names must be an array of strings");
		}
		List<String> names = new ArrayList<>(node.size());
		for (JsonNode name : node) {
			if (!name.isString()) {
				throw new ProtocolException("Field names must be an array of strings");
			}
			names.add(name.asString());
		}
		return names;
	}

	private static Map<String, Long> versions(JsonNode root) {
		JsonNode node = root.get("versions");
		if (node == null || node.isNull()) {
			return Map.of();
		}
		if (!node.isObject()) {
			throw new ProtocolException("Field versions must be an object of integers");
		}
		Map<String, Long> versions = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			JsonNode value = entry.getValue();
			if (!value.isIntegralNumber() || !value.canConvertToInt()) {
				throw new ProtocolException("Field versions must be an object of integers");
			}
			versions.put(entry.getKey(), (long) value.intValue());
		}
		return versions;
	}

	private static void putText(ObjectNode node, String field, String value) {
		if (value != null) {
			node.put(field, value);
		}
	}

	private static void putFlag(ObjectNode node, String field, boolean value) {
		if (value) {
			node.put(field, true);
		}
	}

}
