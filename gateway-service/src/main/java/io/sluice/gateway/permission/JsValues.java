package io.sluice.gateway.permission;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import tools.jackson.databind.JsonNode;

/**
 * JavaScript's value rules for the values a rule sees: {@link #UNDEFINED}, {@link #NULL}, {@link Boolean},
 * {@link Double}, {@link String}, a JSON object or array ({@link JsonNode}) and a {@link RegexValue}.
 * Coercions follow ECMAScript's ToPrimitive, ToNumber, ToString, loose and strict equality and the relational
 * comparison, restricted to these types.
 */
final class JsValues {

	enum Special {
		UNDEFINED, NULL
	}

	static final Object UNDEFINED = Special.UNDEFINED;

	static final Object NULL = Special.NULL;

	/** Rounding to 1 to 17 significant digits, the most a double needs. */
	private static final MathContext[] PRECISIONS = IntStream.rangeClosed(0, 17)
		.mapToObj(precision -> new MathContext(precision, RoundingMode.HALF_EVEN))
		.toArray(MathContext[]::new);

	/** Below 2^53 every integer is exact, and a long holds it. */
	private static final double MAX_EXACT_LONG = 9007199254740992d;

	private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

	/** Hexadecimal, octal and binary integers: unsigned, ASCII digits only. */
	private static final Pattern NON_DECIMAL = Pattern.compile("0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)");

	private JsValues() {
	}

	/** A JSON value as a rule sees it; a Java {@code null} or a missing node is undefined. */
	static Object fromJson(JsonNode node) {
		if (node == null) {
			return UNDEFINED;
		}
		// one call to the node's type rather than one per isX(): a rule reads nodes of many classes
		return switch (node.getNodeType()) {
			case MISSING -> UNDEFINED;
			case NULL -> NULL;
			case BOOLEAN -> node.booleanValue();
			case NUMBER -> node.doubleValue();
			case STRING -> node.stringValue();
			case OBJECT, ARRAY -> node;
			default -> node.asString();
		};
	}

	static boolean truthy(Object value) {
		if (value instanceof Boolean b) {
			return b;
		}
		if (value instanceof Double d) {
			return d != 0 && !d.isNaN();
		}
		if (value instanceof String s) {
			return !s.isEmpty();
		}
		return value != UNDEFINED && value != NULL;
	}

	static String typeOf(Object value) {
		if (value == UNDEFINED) {
			return "undefined";
		}
		if (value instanceof Boolean) {
			return "boolean";
		}
		if (value instanceof Double) {
			return "number";
		}
		if (value instanceof String) {
			return "string";
		}
		return "object";
	}

	/** Objects and arrays become strings (JavaScript's default {@code valueOf} returns the object itself). */
	static Object toPrimitive(Object value) {
		if (value instanceof JsonNode node) {
			if (!node.isArray()) {
				return "[object Object]";
			}
			StringJoiner joined = new StringJoiner(",");
			for (JsonNode element : node) {
				Object item = fromJson(element);
				joined.add(item == UNDEFINED || item == NULL ? "" : toJsString(item));
			}
			return joined.toString();
		}
		if (value instanceof RegexValue regex) {
			return regex.toString();
		}
		return value;
	}

	static double toNumber(Object value) {
		Object primitive = toPrimitive(value);
		if (primitive instanceof Double d) {
			return d;
		}
		if (primitive instanceof Boolean b) {
			return b ? 1 : 0;
		}
		if (primitive instanceof String s) {
			String trimmed = trim(s);
			return trimmed.isEmpty() ? 0 : parseNumber(trimmed);
		}
		return primitive == NULL ? 0 : Double.NaN;
	}

	/** ECMAScript's StringToNumber for a trimmed, non-empty string: decimal, hex/octal/binary or Infinity. */
	static double parseNumber(String text) {
		String unsigned = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
		double sign = text.startsWith("-") ? -1 : 1;
		if (unsigned.equals("Infinity")) {
			return sign * Double.POSITIVE_INFINITY;
		}
		if (DECIMAL.matcher(text).matches()) {
			return Double.parseDouble(text);
		}
		if (NON_DECIMAL.matcher(text).matches()) {
			int radix = switch (Character.toLowerCase(text.charAt(1))) {
				case 'x' -> 16;
				case 'o' -> 8;
				default -> 2;
			};
			return new BigInteger(text.substring(2), radix).doubleValue();
		}
		return Double.NaN;
	}

	static String toJsString(Object value) {
		Object primitive = toPrimitive(value);
		if (primitive == UNDEFINED) {
			return "undefined";
		}
		if (primitive == NULL) {
			return "null";
		}
		if (primitive instanceof Double d) {
			return numberToString(d);
		}
		return primitive.toString();
	}

	/** ECMAScript's Number::toString: the shortest digits that read back as the same number, placed as JavaScript does. */
	static String numberToString(double d) {
		if (Double.isNaN(d)) {
			return "NaN";
		}
		if (Double.isInfinite(d)) {
			return d > 0 ? "Infinity" : "-Infinity";
		}
		if (d == Math.rint(d) && Math.abs(d) < MAX_EXACT_LONG) {
			return Long.toString((long) d);
		}
		if (d < 0) {
			return "-" + numberToString(-d);
		}
		BigDecimal shortest = shortestDecimal(d);
		String digits = shortest.unscaledValue().toString();
		int k = digits.length();
		int n = k - shortest.scale();
		if (k <= n && n <= 21) {
			return digits + "0".repeat(n - k);
		}
		if (0 < n && n <= 21) {
			return digits.substring(0, n) + "." + digits.substring(n);
		}
		if (-6 < n && n <= 0) {
			return "0." + "0".repeat(-n) + digits;
		}
		String exponent = (n - 1 < 0 ? "e-" : "e+") + Math.abs(n - 1);
		return k == 1 ? digits + exponent : digits.charAt(0) + "." + digits.substring(1) + exponent;
	}

	/**
	 * The fewest significant digits that read back as {@code d}, rounded to nearest. Java 17's
	 * {@link Double#toString(double)} is not always the shortest (8.41e21 prints as 8.409999999999999E21).
	 */
	private static BigDecimal shortestDecimal(double d) {
		BigDecimal exact = new BigDecimal(d);
		for (int precision = 1; precision < 17; precision++) {
			BigDecimal rounded = exact.round(PRECISIONS[precision]);
			if (Double.parseDouble(rounded.toString()) == d) {
				return rounded.stripTrailingZeros();
			}
		}
		return exact.round(PRECISIONS[17]).stripTrailingZeros();
	}

	/** JavaScript's WhiteSpace and LineTerminator, which String.prototype.trim and ToNumber strip. */
	static boolean isWhitespace(char c) {
		return switch (c) {
			case '\t', '\n', '\u000B', '\f', '\r', '\u2028', '\u2029', '\uFEFF' -> true;
			default -> Character.getType(c) == Character.SPACE_SEPARATOR;
		};
	}

	static String trim(String s) {
		int start = 0;
		int end = s.length();
		while (start < end && isWhitespace(s.charAt(start))) {
			start++;
		}
		while (end > start && isWhitespace(s.charAt(end - 1))) {
			end--;
		}
		return s.substring(start, end);
	}

	static boolean strictEquals(Object left, Object right) {
		if (left instanceof Double l && right instanceof Double r) {
			return l.doubleValue() == r.doubleValue();
		}
		if (left instanceof String || left instanceof Boolean) {
			return left.equals(right);
		}
		// objects, arrays and regular expressions are equal only to themselves
		return left == right;
	}

	static boolean looseEquals(Object left, Object right) {
		if (sameType(left, right)) {
			return strictEquals(left, right);
		}
		boolean leftNullish = left == UNDEFINED || left == NULL;
		boolean rightNullish = right == UNDEFINED || right == NULL;
		if (leftNullish || rightNullish) {
			return leftNullish && rightNullish;
		}
		if (left instanceof Boolean) {
			return looseEquals(toNumber(left), right);
		}
		if (right instanceof Boolean) {
			return looseEquals(left, toNumber(right));
		}
		if (left instanceof Double && right instanceof String || left instanceof String && right instanceof Double) {
			return toNumber(left) == toNumber(right);
		}
		if (isObject(left) && !isObject(right)) {
			return looseEquals(toPrimitive(left), right);
		}
		if (isObject(right) && !isObject(left)) {
			return looseEquals(left, toPrimitive(right));
		}
		return false;
	}

	private static boolean isObject(Object value) {
		return value instanceof JsonNode || value instanceof RegexValue;
	}

	private static boolean sameType(Object left, Object right) {
		if (isObject(left) && isObject(right)) {
			return true;
		}
		return left.getClass() == right.getClass() && (!(left instanceof Special) || left == right);
	}

	/**
	 * The relational comparison: two strings compare by UTF-16 code units, anything else as numbers, and a
	 * comparison with NaN is false. Returns the sign of left minus right, or {@code null} when undefined (NaN).
	 */
	static Integer compare(Object left, Object right) {
		Object l = toPrimitive(left);
		Object r = toPrimitive(right);
		if (l instanceof String ls && r instanceof String rs) {
			return Integer.signum(ls.compareTo(rs));
		}
		double ln = toNumber(l);
		double rn = toNumber(r);
		if (Double.isNaN(ln) || Double.isNaN(rn)) {
			return null;
		}
		return ln < rn ? -1 : (ln > rn ? 1 : 0);
	}

	/** {@code +}: concatenation when either primitive is a string, otherwise numeric addition. */
	static Object add(Object left, Object right) {
		Object l = toPrimitive(left);
		Object r = toPrimitive(right);
		if (l instanceof String || r instanceof String) {
			return toJsString(l) + toJsString(r);
		}
		return toNumber(l) + toNumber(r);
	}

	/** How a value is named in an error message, as JavaScript names it. */
	static String describe(Object value) {
		if (value instanceof String s) {
			return "'" + s + "'";
		}
		return value instanceof JsonNode ? (((JsonNode) value).isArray() ? "array" : "object") : toJsString(value);
	}

}
