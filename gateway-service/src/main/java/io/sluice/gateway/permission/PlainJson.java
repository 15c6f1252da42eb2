package io.sluice.gateway.permission;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;
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
 * <p>
 * A reader may be given the only members of a top-level object a rule reads ({@link ValveRule#dataMembers()}): it
 * then keeps those alone, checking the rest without building them, so a rule sees the same values as in the whole
 * tree and a text is refused (left to the parser) exactly as it would be whole.
 */
final class PlainJson {

	static final int MAX_DEPTH = 32;

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	/** What a value checked but not built gives: anything but {@code null}, which means "not plain". */
	private static final JsonNode SKIPPED = MissingNode.getInstance();

	private final byte[] json;

	/** The members of a top-level object to keep, or {@code null} for all. */
	private final String[] members;

	private int position;

	private PlainJson(byte[] json, String[] members) {
		this.json = json;
		this.members = members;
	}

	/** The tree of the text, or {@code null} when it is not plain JSON as described above. */
	static JsonNode read(byte[] json) {
		return read(json, null);
	}

	/**
	 * The tree of the text with, when it is an object, only the members named (every member for {@code null}), or
	 * {@code null} when the text is not plain JSON as described above.
	 */
	static JsonNode read(byte[] json, String[] members) {
		PlainJson reader = new PlainJson(json, members);
		JsonNode value = reader.value(0, true);
		return (value != null && reader.skipSpace() == json.length) ? value : null;
	}

	/** @param build whether to build the value: when not, only checked, giving {@link #SKIPPED} */
	private JsonNode value(int depth, boolean build) {
		if (skipSpace() == this.json.length) {
			return null;
		}
		byte first = this.json[this.position];
		return switch (first) {
			case '{' -> (depth < MAX_DEPTH) ? object(depth + 1, build) : null;
			case '[' -> (depth < MAX_DEPTH) ? array(depth + 1, build) : null;
			case '"' -> {
				int start = this.position + 1;
				if (!skipString()) {
					yield null;
				}
				yield build ? NODES.stringNode(text(start, this.position - 1)) : SKIPPED;
			}
			case 't' -> word("true") ? BooleanNode.TRUE : null;
			case 'f' -> word("false") ? BooleanNode.FALSE : null;
			case 'n' -> word("null") ? NullNode.getInstance() : null;
			default -> number(build);
		};
	}

	private JsonNode object(int depth, boolean build) {
		ObjectNode object = build ? NODES.objectNode() : null;
		boolean filtered = depth == 1 && this.members != null;
		this.position++;
		if (next() == '}') {
			this.position++;
			return build ? object : SKIPPED;
		}
		while (true) {
			if (next() != '"') {
				return null;
			}
			int start = this.position + 1;
			if (!skipString()) {
				return null;
			}
			int end = this.position - 1;
			if (next() != ':') {
				return null;
			}
			String name = (!build) ? null : filtered ? member(start, end) : text(start, end);
			this.position++;
			JsonNode value = value(depth, name != null);
			if (value == null) {
				return null;
			}
			if (name != null) {
				object.set(name, value);
			}
			int separator = next();
			this.position++;
			if (separator == '}') {
				return build ? object : SKIPPED;
			}
			if (separator != ',') {
				return null;
			}
		}
	}

	private JsonNode array(int depth, boolean build) {
		ArrayNode array = build ? NODES.arrayNode() : null;
		this.position++;
		if (next() == ']') {
			this.position++;
			return build ? array : SKIPPED;
		}
		while (true) {
			JsonNode value = value(depth, build);
			if (value == null) {
				return null;
			}
			if (build) {
				array.add(value);
			}
			int separator = next();
			this.position++;
			if (separator == ']') {
				return build ? array : SKIPPED;
			}
			if (separator != ',') {
				return null;
			}
		}
	}

	/**
	 * Moves past a string at the position (its opening quote); {@code false} if it is not printable ASCII without
	 * escapes.
	 */
	private boolean skipString() {
		int start = ++this.position;
		for (int i = start; i < this.json.length; i++) {
			byte b = this.json[i];
			if (b == '"') {
				this.position = i + 1;
				return true;
			}
			if (b < 0x20 || b > 0x7E || b == '\\') {
				return false;
			}
		}
		return false;
	}

	/** The text of a string from {@code start} to its closing quote at {@code end}. */
	private String text(int start, int end) {
		return new String(this.json, start, end - start, StandardCharsets.ISO_8859_1);
	}

	/** The member to keep named by the string from {@code start} to {@code end}, or {@code null}: no string made. */
	private String member(int start, int end) {
		int length = end - start;
		for (String member : this.members) {
			if (member.length() == length && sameText(member, start)) {
				return member;
			}
		}
		return null;
	}

	private boolean sameText(String member, int start) {
		for (int i = 0; i < member.length(); i++) {
			if (member.charAt(i) != this.json[start + i]) {
				return false;
			}
		}
		return true;
	}

	private JsonNode number(boolean build) {
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
		if (!build) {
			return SKIPPED;
		}
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
