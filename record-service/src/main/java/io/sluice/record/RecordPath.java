package io.sluice.record;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A path into a record's data, such as {@code a.b[2].c}, read the way the deepstream client reads it: dots
 * separate object keys, {@code [n]} indexes arrays, blank segments are skipped. Setting a path creates the
 * objects and arrays on the way, as the client does, so that both sides agree on the result. Public so that what
 * a patch would make of a record can be worked out before it is written (permission rules read it).
 */
public final class RecordPath {

	/** Longest path accepted, in characters. */
	static final int MAX_LENGTH = 1024;

	private final String text;

	private final List<Object> tokens;

	private RecordPath(String text, List<Object> tokens) {
		this.text = text;
		this.tokens = tokens;
	}

	/**
	 * Parses a path.
	 * @throws IllegalArgumentException naming what is wrong with it
	 */
	public static RecordPath parse(String path) {
		if (path == null || path.isBlank()) {
			throw new IllegalArgumentException("A path must not be empty");
		}
		if (path.length() > MAX_LENGTH) {
			throw new IllegalArgumentException("A path must be at most " + MAX_LENGTH + " characters long");
		}
		List<Object> tokens = new ArrayList<>();
		for (String rawPart : path.split("\\.", -1)) {
			String part = rawPart.trim();
			if (part.isEmpty()) {
				continue;
			}
			int bracket = part.indexOf('[');
			String key = (bracket < 0) ? part : part.substring(0, bracket);
			if (!key.isEmpty() || bracket != 0) {
				tokens.add(key);
			}
			while (bracket >= 0) {
				int close = part.indexOf(']', bracket);
				if (close < 0) {
					throw new IllegalArgumentException("Path '" + path + "' has an unclosed '['");
				}
				String index = part.substring(bracket + 1, close).trim();
				if (!index.isEmpty()) {
					tokens.add(parseIndex(path, index));
				}
				bracket = part.indexOf('[', close);
				if (bracket < 0 && close + 1 < part.length()) {
					throw new IllegalArgumentException("Path '" + path + "' has text after ']'");
				}
			}
		}
		if (tokens.isEmpty()) {
			throw new IllegalArgumentException("Path '" + path + "' names nothing");
		}
		return new RecordPath(path, List.copyOf(tokens));
	}

	private static Integer parseIndex(String path, String index) {
		try {
			int value = Integer.parseInt(index);
			if (value < 0 || value > 100_000) {
				throw new IllegalArgumentException(
						"Path '" + path + "' has array index " + value + "; indexes go from 0 to 100000");
			}
			return value;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Path '" + path + "' has a non-numeric array index '" + index + "'");
		}
	}

	/**
	 * Sets the value at this path in a copy of {@code root}.
	 * @throws IllegalArgumentException if the path goes through a value it cannot index
	 */
	public JsonNode set(JsonNode root, JsonNode value) {
		JsonNode copy = root.deepCopy();
		JsonNode node = copy;
		for (int i = 0; i < this.tokens.size() - 1; i++) {
			Object token = this.tokens.get(i);
			JsonNode child = child(node, token);
			if (child == null || !child.isContainer()) {
				child = (this.tokens.get(i + 1) instanceof Integer) ? JsonNodeFactory.instance.arrayNode()
						: JsonNodeFactory.instance.objectNode();
				put(node, token, child);
			}
			node = child;
		}
		put(node, this.tokens.get(this.tokens.size() - 1), value);
		return copy;
	}

	/** Removes the value at this path from a copy of {@code root}; a path that leads nowhere changes nothing. */
	public JsonNode erase(JsonNode root) {
		JsonNode copy = root.deepCopy();
		JsonNode node = copy;
		for (int i = 0; i < this.tokens.size() - 1 && node != null; i++) {
			node = child(node, this.tokens.get(i));
		}
		Object last = this.tokens.get(this.tokens.size() - 1);
		if (node instanceof ObjectNode object) {
			object.remove(last.toString());
		}
		else if (node instanceof ArrayNode array && last instanceof Integer index && index < array.size()) {
			// The client deletes an array slot, which JSON shows as null: keep indexes where they are.
			array.set(index, JsonNodeFactory.instance.nullNode());
		}
		return copy;
	}

	private JsonNode child(JsonNode node, Object token) {
		if (node instanceof ObjectNode object) {
			return object.get(token.toString());
		}
		if (node instanceof ArrayNode array && token instanceof Integer index) {
			return array.get(index);
		}
		return null;
	}

	private void put(JsonNode node, Object token, JsonNode value) {
		if (node instanceof ObjectNode object) {
			object.set(token.toString(), value);
		}
		else if (node instanceof ArrayNode array && token instanceof Integer index) {
			while (array.size() <= index) {
				array.addNull();
			}
			array.set(index, value);
		}
		else {
			throw new IllegalArgumentException(
					"Path '" + this.text + "' indexes an array with the key '" + token + "'");
		}
	}

	@Override
	public String toString() {
		return this.text;
	}

}
