package io.sluice.gateway.permission;

/** The compiled operators: each decided once, when the rule is compiled, not by its name at each evaluation. */
final class CompiledOperators {

	private CompiledOperators() {
	}

	static final class Not extends CompiledNode.Predicate {

		private final CompiledNode operand;

		Not(CompiledNode operand) {
			this.operand = operand;
		}

		@Override
		boolean test(Evaluation evaluation) {
			return !this.operand.test(evaluation);
		}

	}

	/** Unary {@code +} ({@code negate} false) and {@code -}. */
	static final class ToNumber extends CompiledNode.Numeric {

		private final CompiledNode operand;

		private final boolean negate;

		ToNumber(CompiledNode operand, boolean negate) {
			this.operand = operand;
			this.negate = negate;
		}

		@Override
		double number(Evaluation evaluation) {
			double d = this.operand.number(evaluation);
			return this.negate ? -d : d;
		}

	}

	static final class TypeOf extends CompiledNode {

		private final CompiledNode operand;

		TypeOf(CompiledNode operand) {
			this.operand = operand;
		}

		@Override
		Object value(Evaluation evaluation) {
			return this.operand.typeOf(evaluation);
		}

	}

	/** {@code -}, {@code *}, {@code /} and {@code %}. */
	static final class Arithmetic extends CompiledNode.Numeric {

		private final char operator;

		private final CompiledNode left;

		private final CompiledNode right;

		Arithmetic(char operator, CompiledNode left, CompiledNode right) {
			this.operator = operator;
			this.left = left;
			this.right = right;
		}

		@Override
		double number(Evaluation evaluation) {
			double l = this.left.number(evaluation);
			double r = this.right.number(evaluation);
			return switch (this.operator) {
				case '-' -> l - r;
				case '*' -> l * r;
				case '/' -> l / r;
				default -> l % r;
			};
		}

	}

	/** {@code +}: concatenation or addition, decided by the operands' values. */
	static final class Add extends CompiledNode {

		private final CompiledNode left;

		private final CompiledNode right;

		Add(CompiledNode left, CompiledNode right) {
			this.left = left;
			this.right = right;
		}

		@Override
		Object value(Evaluation evaluation) {
			Object l = this.left.value(evaluation);
			return JsValues.add(l, this.right.value(evaluation));
		}

	}

	/** {@code <}, {@code <=}, {@code >} and {@code >=}. */
	static final class Relational extends CompiledNode.Predicate {

		private final Comparison comparison;

		private final CompiledNode left;

		private final CompiledNode right;

		/** Whether either side is a number literal: no string comparison can happen, both sides are ToNumber'd. */
		private final boolean numeric;

		Relational(Comparison comparison, CompiledNode left, CompiledNode right, boolean numeric) {
			this.comparison = comparison;
			this.left = left;
			this.right = right;
			this.numeric = numeric;
		}

		@Override
		boolean test(Evaluation evaluation) {
			if (this.numeric) {
				double l = this.left.number(evaluation);
				return this.comparison.holds(l, this.right.number(evaluation));
			}
			Object l = this.left.value(evaluation);
			Integer sign = JsValues.compare(l, this.right.value(evaluation));
			// NaN on either side: every comparison is false
			return sign != null && this.comparison.holds(sign, 0);
		}

	}

	enum Comparison {

		LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL;

		static Comparison of(String operator) {
			return switch (operator) {
				case "<" -> LESS;
				case "<=" -> LESS_OR_EQUAL;
				case ">" -> GREATER;
				case ">=" -> GREATER_OR_EQUAL;
				default -> throw new IllegalArgumentException(operator);
			};
		}

		/** Java's comparisons of doubles are JavaScript's: false with NaN. */
		boolean holds(double l, double r) {
			return switch (this) {
				case LESS -> l < r;
				case LESS_OR_EQUAL -> l <= r;
				case GREATER -> l > r;
				case GREATER_OR_EQUAL -> l >= r;
			};
		}

	}

	/** {@code &&} ({@code and}) or {@code ||} over a chain of operands, the value being the operand that decided. */
	static final class Logical extends CompiledNode {

		private final boolean and;

		private final CompiledNode[] operands;

		Logical(boolean and, CompiledNode[] operands) {
			this.and = and;
			this.operands = operands;
		}

		@Override
		boolean test(Evaluation evaluation) {
			for (CompiledNode operand : this.operands) {
				if (operand.test(evaluation) != this.and) {
					return !this.and;
				}
			}
			return this.and;
		}

		@Override
		Object value(Evaluation evaluation) {
			int last = this.operands.length - 1;
			for (int i = 0; i < last; i++) {
				Object value = this.operands[i].value(evaluation);
				if (JsValues.truthy(value) != this.and) {
					return value;
				}
			}
			return this.operands[last].value(evaluation);
		}

	}

	static final class Conditional extends CompiledNode {

		private final CompiledNode test;

		private final CompiledNode whenTrue;

		private final CompiledNode whenFalse;

		Conditional(CompiledNode test, CompiledNode whenTrue, CompiledNode whenFalse) {
			this.test = test;
			this.whenTrue = whenTrue;
			this.whenFalse = whenFalse;
		}

		private CompiledNode chosen(Evaluation evaluation) {
			return this.test.test(evaluation) ? this.whenTrue : this.whenFalse;
		}

		@Override
		Object value(Evaluation evaluation) {
			return chosen(evaluation).value(evaluation);
		}

		@Override
		Object raw(Evaluation evaluation) {
			return chosen(evaluation).raw(evaluation);
		}

		@Override
		boolean test(Evaluation evaluation) {
			return chosen(evaluation).test(evaluation);
		}

		@Override
		double number(Evaluation evaluation) {
			return chosen(evaluation).number(evaluation);
		}

	}

}
