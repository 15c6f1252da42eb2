package io.sluice.gateway.permission;

import tools.jackson.databind.JsonNode;

/**
 * Member access as JavaScript does it on the values a rule sees: an object's property, an array's or a string's
 * {@code length} and elements at canonical indexes ({@code "1"}, not {@code "01"} or {@code "1.0"}), nothing on a
 * number or a boolean, and an error on {@code null} and {@code undefined}. Works on raw values
 * ({@link CompiledNode#raw}): a JSON node is read where it is, not converted first.
 */
final class Members {

	static final Key LENGTH = Key.of("length");

	private Members() {
	}

	/**
	 * A member name, as the string JavaScript converts the key to, with its array index found once.
	 * @param index the canonical array index the name stands for, or -1
	 */
	record Key(String name, int index, boolean length) {

		static Key of(String name) {
			double index = JsValues.parseNumber(name);
			boolean canonical = !Double.isNaN(index) && JsValues.numberToString(index).equals(name);
			boolean arrayIndex = canonical && index >= 0 && index < Integer.MAX_VALUE && index == Math.rint(index);
			return new Key(name, arrayIndex ? (int) index : -1, name.equals("length"));
		}

	}

	/** The member of a raw value, raw. */
	static Object get(Object base, Key key) {
		if (base instanceof JsonNode node) {
			switch (node.getNodeType()) {
				case OBJECT:
					JsonNode member = node.get(key.name());
					return (member != null) ? member : JsValues.UNDEFINED;
				case ARRAY:
					if (key.length()) {
						return (double) node.size();
					}
					return (key.index() >= 0 && key.index() < node.size()) ? node.get(key.index()) : JsValues.UNDEFINED;
				default:
					return ofValue(JsValues.fromJson(node), key);
			}
		}
		return ofValue(base, key);
	}

	private static Object ofValue(Object value, Key key) {
		if (value instanceof String s) {
			if (key.length()) {
				return (double) s.length();
			}
			return (key.index() >= 0 && key.index() < s.length()) ? s.substring(key.index(), key.index() + 1)
					: JsValues.UNDEFINED;
		}
		if (value == JsValues.UNDEFINED || value == JsValues.NULL) {
			throw new RuleEvaluationException(
					"cannot read property '" + key.name() + "' of " + JsValues.toJsString(value));
		}
		return JsValues.UNDEFINED;
	}

	/** The length of a raw string or array; -1 for anything else. */
	static int length(Object base) {
		if (base instanceof String s) {
			return s.length();
		}
		if (base instanceof JsonNode node) {
			if (node.isString()) {
				return node.stringValue().length();
			}
			if (node.isArray()) {
				return node.size();
			}
		}
		return -1;
	}

}
