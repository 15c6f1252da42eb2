package io.sluice.gateway.permission;

import tools.jackson.databind.JsonNode;

/**
 * A node of a rule compiled for evaluation by {@link RuleCompiler}: immutable, shared by every evaluation of the
 * rule. Every node gives its JavaScript value ({@link JsValues}); the questions its parent asks of that value (is it
 * truthy, what number is it, what is its type, is it null or undefined, does it loosely equal a number) have answers
 * derived from the value here, and nodes that can answer without building the value override them: a number read from
 * JSON is not boxed to be compared, a string's length not boxed to be tested, a match not turned into an array to be
 * compared with {@code null}.
 * <p>
 * A node may also give its value {@link #raw raw}: a JSON node standing for it ({@link JsValues#fromJson} gives the
 * value), so that a value read from the data is converted only if a parent needs it converted.
 */
abstract class CompiledNode {

	abstract Object value(Evaluation evaluation);

	/** The value, or any JSON node standing for it. */
	Object raw(Evaluation evaluation) {
		return value(evaluation);
	}

	/** Whether the value is truthy. */
	boolean test(Evaluation evaluation) {
		return truthy(raw(evaluation));
	}

	/** The value's ToNumber. */
	double number(Evaluation evaluation) {
		return number(raw(evaluation));
	}

	/** The value's {@code typeof}. */
	String typeOf(Evaluation evaluation) {
		return typeOf(raw(evaluation));
	}

	/** Whether the value is {@code null} or {@code undefined}: {@code value == null}. */
	boolean nullish(Evaluation evaluation) {
		return nullish(raw(evaluation));
	}

	/** {@code value == number}. */
	boolean looselyEquals(Evaluation evaluation, double number) {
		return looselyEquals(raw(evaluation), number);
	}

	static Object value(Object raw) {
		return (raw instanceof JsonNode node) ? JsValues.fromJson(node) : raw;
	}

	static boolean truthy(Object raw) {
		if (raw instanceof JsonNode node) {
			return switch (node.getNodeType()) {
				case OBJECT, ARRAY -> true;
				case NULL, MISSING -> false;
				case NUMBER -> {
					double d = node.doubleValue();
					yield d != 0 && !Double.isNaN(d);
				}
				default -> JsValues.truthy(JsValues.fromJson(node));
			};
		}
		return JsValues.truthy(raw);
	}

	static double number(Object raw) {
		if (raw instanceof JsonNode node && node.isNumber()) {
			return node.doubleValue();
		}
		return JsValues.toNumber(value(raw));
	}

	static String typeOf(Object raw) {
		if (raw instanceof JsonNode node && node.isNumber()) {
			return "number";
		}
		return JsValues.typeOf(value(raw));
	}

	static boolean nullish(Object raw) {
		if (raw instanceof JsonNode node) {
			return node.isNull() || node.isMissingNode();
		}
		return raw == JsValues.UNDEFINED || raw == JsValues.NULL;
	}

	/**
	 * Loose equality with a number: a number, string, boolean or object (through its primitive) equals it when its
	 * ToNumber does; {@code null} never does, and {@code undefined}'s ToNumber is NaN.
	 */
	static boolean looselyEquals(Object raw, double number) {
		if (raw instanceof JsonNode node && node.isNumber()) {
			return node.doubleValue() == number;
		}
		Object value = value(raw);
		return value != JsValues.NULL && JsValues.toNumber(value) == number;
	}

	/** A node whose value is a boolean: it answers {@link #test}. */
	abstract static class Predicate extends CompiledNode {

		@Override
		abstract boolean test(Evaluation evaluation);

		@Override
		final Object value(Evaluation evaluation) {
			return test(evaluation);
		}

		@Override
		final double number(Evaluation evaluation) {
			return test(evaluation) ? 1 : 0;
		}

	}

	/** A node that reads its value from the data: it answers {@link #raw}, converted only when its value is asked. */
	abstract static class Raw extends CompiledNode {

		@Override
		abstract Object raw(Evaluation evaluation);

		@Override
		final Object value(Evaluation evaluation) {
			return value(raw(evaluation));
		}

	}

	/** A node whose value is a number: it answers {@link #number}. */
	abstract static class Numeric extends CompiledNode {

		@Override
		abstract double number(Evaluation evaluation);

		@Override
		final Object value(Evaluation evaluation) {
			return number(evaluation);
		}

		@Override
		final boolean test(Evaluation evaluation) {
			double d = number(evaluation);
			return d != 0 && !Double.isNaN(d);
		}

		@Override
		final boolean looselyEquals(Evaluation evaluation, double number) {
			return number(evaluation) == number;
		}

	}

}
