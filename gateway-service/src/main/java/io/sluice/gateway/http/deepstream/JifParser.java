package io.sluice.gateway.http.deepstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;

import io.sluice.gateway.http.RecordTimeToLive;

/**
 * Checks a command against deepstream's JIF schema and reads it. A command is valid when it fits one of the schema's
 * shapes (event emit; rpc make; record read, head, delete; record write, whole or at a path; record notify; list
 * read, delete, write; presence query). Beyond deepstream, the writes take a {@code ttl} ({@link RecordTimeToLive});
 * one that is not a duration is refused with a reason that says so. An invalid one gets deepstream's reason, which its schema validator takes
 * from the first shape it tried, the event emit, whatever the command's topic: in order, a property that is not an
 * event emit's has no reason, then {@code topic}, {@code action} and {@code eventName} are each required, must be
 * {@code 'event'} and {@code 'emit'} (no reason when not), and a non-empty string. So {@code {topic: 'record'}}
 * is refused without a reason, {@code {}} because "property 'topic' is required for topic 'undefined'".
 */
final class JifParser {

	private static final Predicate<JsonNode> ANY = (value) -> true;

	private static final Predicate<JsonNode> NAME = (value) -> value.isString() && !value.asString().isEmpty();

	private static final Predicate<JsonNode> STRING = JsonNode::isString;

	private static final Predicate<JsonNode> STRINGS = (value) -> {
		if (!value.isArray()) {
			return false;
		}
		for (JsonNode item : value) {
			if (!item.isString()) {
				return false;
			}
		}
		return true;
	};

	private static final Predicate<JsonNode> OBJECT_OR_ARRAY = (value) -> value.isObject() || value.isArray();

	// Beyond deepstream: a version must also fit in 64 bits, as every record version does.
	private static final Predicate<JsonNode> VERSION = (value) -> isInteger(value) && value.canConvertToLong()
			&& value.doubleValue() >= -1;

	/** The schema's shapes, in its order. */
	private static final List<Shape> SHAPES = List.of(
			shape("event", Set.of("emit"), props("eventName", NAME, true, "data", ANY, false)),
			shape("rpc", Set.of("make"), props("rpcName", NAME, true, "data", ANY, false)),
			shape("record", Set.of("read", "head", "delete"), props("recordName", NAME, true)),
			shape("record", Set.of("write"), props("recordName", NAME, true, "data", OBJECT_OR_ARRAY, true, "version",
					VERSION, false, "ttl", STRING, false)),
			shape("record", Set.of("write"), props("recordName", NAME, true, "data", ANY, true, "path", STRING, true,
					"version", VERSION, false, "ttl", STRING, false)),
			shape("record", Set.of("notify"), props("recordNames", STRINGS, true)),
			shape("list", Set.of("read", "delete"), props("listName", NAME, true)),
			shape("list", Set.of("write"), props("listName", NAME, true, "data", STRINGS, true, "version", VERSION,
					false, "ttl", STRING, false)),
			shape("presence", Set.of("query"), props("names", STRINGS, false)));

	private static final Set<String> EMIT_PROPERTIES = Set.of("topic", "action", "eventName", "data");

	private JifParser() {
	}

	/** The command, or why it is not one (the reason may be {@code null}, as deepstream gives none for most). */
	static Parsed parse(JsonNode jif) {
		if (jif != null && jif.isObject()) {
			for (Shape shape : SHAPES) {
				if (shape.fits(jif)) {
					try {
						return new Parsed(read(jif), null);
					}
					catch (IllegalArgumentException ex) {
						return new Parsed(null, ex.getMessage());
					}
				}
			}
		}
		return new Parsed(null, reason(jif));
	}

	/** Why deepstream's validator refuses a command that fits none of the shapes: see the class comment. */
	private static String reason(JsonNode jif) {
		if (jif == null || !jif.isObject()) {
			return "property '' should be object";
		}
		for (String property : jif.propertyNames()) {
			if (!EMIT_PROPERTIES.contains(property)) {
				return null;
			}
		}
		if (!jif.has("topic")) {
			return required("topic", "undefined");
		}
		if (!"event".equals(text(jif, "topic"))) {
			return null;
		}
		if (!jif.has("action")) {
			return required("action", "event");
		}
		if (!"emit".equals(text(jif, "action"))) {
			return null;
		}
		JsonNode eventName = jif.get("eventName");
		if (eventName == null) {
			return required("eventName", "event");
		}
		return eventName.isString() ? "property '.eventName' should NOT be shorter than 1 characters"
				: "property '.eventName' should be string";
	}

	private static String required(String property, String topic) {
		return "property '" + property + "' is required for topic '" + topic + "'";
	}

	private static JifCommand read(JsonNode jif) {
		String topic = text(jif, "topic");
		String action = text(jif, "action");
		return switch (topic + " " + action) {
			case "event emit" -> new JifCommand.Emit(text(jif, "eventName"), jif.get("data"));
			case "rpc make" -> new JifCommand.Make(text(jif, "rpcName"), jif.get("data"));
			case "record read" -> new JifCommand.Read(text(jif, "recordName"));
			case "record head" -> new JifCommand.Head(text(jif, "recordName"));
			case "record delete" -> new JifCommand.Delete(text(jif, "recordName"));
			case "record write" -> write(jif, text(jif, "recordName"), text(jif, "path"));
			case "record notify" -> new JifCommand.Notify(strings(jif.get("recordNames")));
			case "list read" -> new JifCommand.Read(text(jif, "listName"));
			case "list delete" -> new JifCommand.Delete(text(jif, "listName"));
			case "list write" -> write(jif, text(jif, "listName"), null);
			case "presence query" -> new JifCommand.Presence(jif.has("names") ? strings(jif.get("names")) : null);
			default -> throw new IllegalStateException("A shape without a command: " + topic + " " + action);
		};
	}

	private static JifCommand write(JsonNode jif, String name, String path) {
		JsonNode version = jif.get("version");
		// deepstream writes "version || -1": a version that is absent or 0 writes on top of whatever is current
		Long writeVersion = (version == null || version.longValue() == 0 || version.longValue() == -1) ? null
				: version.longValue();
		Duration ttl;
		try {
			ttl = RecordTimeToLive.parse(text(jif, "ttl"));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("property '.ttl' " + ex.getMessage());
		}
		return new JifCommand.Write(name, writeVersion, (path == null || path.isEmpty()) ? null : path,
				jif.get("data"), ttl);
	}

	private static String text(JsonNode jif, String property) {
		JsonNode value = jif.get(property);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private static List<String> strings(JsonNode array) {
		List<String> strings = new ArrayList<>(array.size());
		array.forEach((item) -> strings.add(item.asString()));
		return strings;
	}

	/** A JSON number without a fraction, as JSON Schema's {@code integer} is: {@code 1.0} is one. */
	private static boolean isInteger(JsonNode value) {
		if (value.isIntegralNumber()) {
			return true;
		}
		if (!value.isNumber()) {
			return false;
		}
		double number = value.doubleValue();
		return Double.isFinite(number) && number == Math.rint(number);
	}

	private static Shape shape(String topic, Set<String> actions, Map<String, Property> properties) {
		return new Shape(topic, actions, properties);
	}

	/** Properties as name, check, required; in order. */
	private static Map<String, Property> props(Object... triples) {
		Map<String, Property> properties = new LinkedHashMap<>();
		for (int i = 0; i < triples.length; i += 3) {
			@SuppressWarnings("unchecked")
			Predicate<JsonNode> check = (Predicate<JsonNode>) triples[i + 1];
			properties.put((String) triples[i], new Property(check, (Boolean) triples[i + 2]));
		}
		return properties;
	}

	/** A command, or the reason why there is none (which may be {@code null}). */
	record Parsed(JifCommand command, String reason) {

		boolean valid() {
			return this.command != null;
		}

	}

	private record Property(Predicate<JsonNode> check, boolean required) {
	}

	/** One of the schema's shapes: a topic, its actions, and its other properties (no more may be present). */
	private record Shape(String topic, Set<String> actions, Map<String, Property> properties) {

		boolean fits(JsonNode jif) {
			String action = text(jif, "action");
			if (!this.topic.equals(text(jif, "topic")) || action == null || !this.actions.contains(action)) {
				return false;
			}
			for (String name : jif.propertyNames()) {
				if (!name.equals("topic") && !name.equals("action") && !this.properties.containsKey(name)) {
					return false;
				}
			}
			for (Map.Entry<String, Property> entry : this.properties.entrySet()) {
				JsonNode value = jif.get(entry.getKey());
				if ((value == null) ? entry.getValue().required() : !entry.getValue().check().test(value)) {
					return false;
				}
			}
			return true;
		}

	}

}
