package io.sluice.gateway.permission;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;

/**
 * The methods a rule may call, the ones deepstream's rule validator allows: the string methods
 * {@code toLowerCase}, {@code toUpperCase}, {@code trim}, {@code startsWith}, {@code endsWith},
 * {@code indexOf}, {@code includes}, {@code match}, and {@code indexOf}/{@code includes} on arrays.
 */
final class RuleMethods {

	static final Set<String> ALLOWED = Set.of("toLowerCase", "toUpperCase", "trim", "startsWith", "endsWith",
			"indexOf", "includes", "match");

	private RuleMethods() {
	}

	static Object call(Object receiver, String method, Object[] arguments) {
		if (receiver instanceof String s) {
			return callOnString(s, method, arguments);
		}
		if (receiver instanceof JsonNode node && node.isArray() && (method.equals("indexOf") || method.equals("includes"))) {
			return callOnArray(node, method, argument(arguments, 0), argument(arguments, 1));
		}
		throw new RuleEvaluationException("cannot call " + method + "() on " + JsValues.describe(receiver)
				+ " (" + JsValues.typeOf(receiver) + ")");
	}

	private static Object callOnString(String s, String method, Object[] arguments) {
		Object first = argument(arguments, 0);
		if (first instanceof RegexValue && !method.equals("match") && !method.equals("indexOf")) {
			// JavaScript refuses a regular expression where these methods search for a string
			throw new RuleEvaluationException("the argument of " + method + "() must not be a regular expression");
		}
		return switch (method) {
			case "toLowerCase" -> s.toLowerCase(Locale.ROOT);
			case "toUpperCase" -> s.toUpperCase(Locale.ROOT);
			case "trim" -> JsValues.trim(s);
			case "startsWith" -> s.startsWith(JsValues.toJsString(first), position(arguments, 0, s.length()));
			case "endsWith" -> s.substring(0, position(arguments, s.length(), s.length()))
				.endsWith(JsValues.toJsString(first));
			case "indexOf" -> (double) s.indexOf(JsValues.toJsString(first), position(arguments, 0, s.length()));
			case "includes" -> s.indexOf(JsValues.toJsString(first), position(arguments, 0, s.length())) >= 0;
			case "match" -> match(s, first);
			default -> throw new IllegalStateException("method not allowed: " + method);
		};
	}

	/** Array.prototype.indexOf and includes: strict equality (includes also finds NaN), from an optional index. */
	private static Object callOnArray(JsonNode array, String method, Object searched, Object fromIndex) {
		for (int i = startIndex(fromIndex, array.size()); i < array.size(); i++) {
			Object element = JsValues.fromJson(array.get(i));
			boolean nanMatch = method.equals("includes") && element instanceof Double e && e.isNaN()
					&& searched instanceof Double d && d.isNaN();
			if (nanMatch || JsValues.strictEquals(element, searched)) {
				return method.equals("includes") ? (Object) true : (Object) (double) i;
			}
		}
		return method.equals("includes") ? (Object) false : (Object) (double) -1;
	}

	/** A relative index as JavaScript reads it: truncated, counted from the end when negative, clamped. */
	private static int startIndex(Object fromIndex, int length) {
		double index = JsValues.toNumber(fromIndex);
		if (Double.isNaN(index)) {
			return 0;
		}
		double truncated = index < 0 ? Math.ceil(index) : Math.floor(index);
		return (int) (truncated < 0 ? Math.max(0, length + truncated) : Math.min(length, truncated));
	}

	private static Object argument(Object[] arguments, int index) {
		return index < arguments.length ? arguments[index] : JsValues.UNDEFINED;
	}

	/** The optional second argument of startsWith/endsWith/indexOf/includes, clamped to the string. */
	private static int position(Object[] arguments, int absent, int length) {
		Object value = argument(arguments, 1);
		if (value == JsValues.UNDEFINED) {
			return absent;
		}
		double position = JsValues.toNumber(value);
		return Double.isNaN(position) ? 0 : (int) Math.max(0, Math.min(length, position));
	}

	/**
	 * {@code match}: a string argument is compiled as a pattern, as JavaScript does. Without the {@code g} flag
	 * the result is the match and its groups, with it every match; {@code null} when nothing matches.
	 */
	private static Object match(String s, Object pattern) {
		RegexValue regex;
		if (pattern instanceof RegexValue r) {
			regex = r;
		}
		else {
			try {
				regex = RegexValue.compile(pattern == JsValues.UNDEFINED ? "(?:)" : JsValues.toJsString(pattern), "");
			}
			catch (IllegalArgumentException ex) {
				throw new RuleEvaluationException(ex.getMessage());
			}
		}
		Matcher matcher = regex.pattern().matcher(s);
		ArrayNode result = JsonNodeFactory.instance.arrayNode();
		if (regex.global()) {
			while (matcher.find()) {
				result.add(matcher.group());
			}
		}
		else if (matcher.find()) {
			for (int group = 0; group <= matcher.groupCount(); group++) {
				String text = matcher.group(group);
				// a group that did not take part in the match is undefined in JavaScript
				result.add(text == null ? MissingNode.getInstance() : JsonNodeFactory.instance.stringNode(text));
			}
		}
		return result.isEmpty() ? JsValues.NULL : result;
	}

}
