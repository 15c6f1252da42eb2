package io.sluice.gateway.permission;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the plainest JSON, what most messages carry, without a parser's set-up (which costs more than reading a
 * small message): objects, arrays, strings of printable ASCII without escapes, integers of up to 18 digits,
 * {@code true}, {@code false} and {@code null}, nested up to {@link #MAX_DEPTH}. Anything else (an escape, a
 * non-ASCII character, a fraction or an exponent, a longer number, deeper nesting, and every syntax error) gives
 * {@code null}, and the caller reads the text with a full parser, which builds the same tree or names the error. So
 * what this reads is exactly what a full parser would: the same node types (an int where it fits, as Jackson does),
 * the last of repeated keys.
 */
final class PlainJson {

	static final int MAX_DEPTH = 32;

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final byte[] json;

	private int position;

	private PlainJson(byte[] json) {
		this.json = json;
	}

	/** The tree of the text, or {@code null} when it is not plain JSON as described above. */
	static JsonNode read(byte[] json) {
		PlainJson reader = new PlainJson(json);
		JsonNode value = reader.value(0);
		return (value != null && reader.skipSpace() == json.length) ? value : null;
	}

	private JsonNode value(int depth) {
		if (skipSpace() == this.json.length) {
			return null;
		}
		byte first = this.json[this.position];
		return switch (first) {
			case '{' -> (depth < MAX_DEPTH) ? object(depth + 1) : null;
			case '[' -> (depth < MAX_DEPTH) ? array(depth + 1) : null;
			case '"' -> {
				String text = string();
				yield (text != null) ? NODES.stringNode(text) : null;
			}
			case 't' -> word("true") ? BooleanNode.TRUE : null;
			case 'f' -> word("false") ? BooleanNode.FALSE : null;
			case 'n' -> word("null") ? NullNode.getInstance() : null;
			default -> number();
		};
	}

	private JsonNode object(int depth) {
		ObjectNode object = NODES.objectNode();
		this.position++;
		if (next() == '}') {
			this.position++;
			return object;
		}
		while (true) {
			if (next() != '"') {
				return null;
			}
			String name = string();
			if (name == null || next() != ':') {
				return null;
			}
			this.position++;
			JsonNode value = value(depth);
			if (value == null) {
				return null;
			}
			object.set(name, value);
			int separator = next();
			this.position++;
			if (separator == '}') {
				return object;
			}
			if (separator != ',') {
				return null;
			}
		}
	}

	private JsonNode array(int depth) {
		ArrayNode array = NODES.arrayNode();
		this.position++;
		if (next() == ']') {
			this.position++;
			return array;
		}
		while (true) {
			JsonNode value = value(depth);
			if (value == null) {
				return null;
			}
			array.add(value);
			int separator = next();
			this.position++;
			if (separator == ']') {
				return array;
			}
			if (separator != ',') {
				return null;
			}
		}
	}

	/** A string at the position (its opening quote), or {@code null} if it is not printable ASCII without escapes. */
	private String string() {
		int start = ++this.position;
		for (int i = start; i < this.json.length; i++) {
			byte b = this.json[i];
			if (b == '"') {
				this.position = i + 1;
				return new String(this.json, start, i - start, StandardCharsets.ISO_8859_1);
			}
			if (b < 0x20 || b > 0x7E || b == '\\') {
				return null;
			}
		}
		return null;
	}

	private JsonNode number() {
		int start = this.position;
		boolean negative = this.json[start] == '-';
		int digitsStart = negative ? start + 1 : start;
		int end = digitsStart;
		long value = 0;
		while (end < this.json.length && this.json[end] >= '0' && this.json[end] <= '9') {
			value = value * 10 + (this.json[end] - '0');
			end++;
		}
		int digits = end - digitsStart;
		boolean leadingZero = digits > 1 && this.json[digitsStart] == '0';
		boolean moreFollows = end < this.json.length
				&& (this.json[end] == '.' || this.json[end] == 'e' || this.json[end] == 'E');
		if (digits == 0 || digits > 18 || leadingZero || moreFollows) {
			return null;
		}
		this.position = end;
		long signed = negative ? -value : value;
		return (signed == (int) signed) ? NODES.numberNode((int) signed) : NODES.numberNode(signed);
	}

	private boolean word(String word) {
		int end = this.position + word.length();
		if (end > this.json.length) {
			return false;
		}
		for (int i = 0; i < word.length(); i++) {
			if (this.json[this.position + i] != word.charAt(i)) {
				return false;
			}
		}
		this.position = end;
		return true;
	}

	/** The next byte after white space, or -1 at the end. */
	private int next() {
		return (skipSpace() < this.json.length) ? this.json[this.position] : -1;
	}

	private int skipSpace() {
		while (this.position < this.json.length) {
			byte b = this.json[this.position];
			if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
				break;
			}
			this.position++;
		}
		return this.position;
	}

}
