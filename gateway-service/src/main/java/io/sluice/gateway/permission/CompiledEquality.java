package io.sluice.gateway.permission;

import tools.jackson.databind.JsonNode;

/**
 * The compiled {@code ==}, {@code !=}, {@code ===} and {@code !==}: the general ones, and those with a literal on one
 * side (the common case: {@code data.x == null}, {@code user.data.role == 'admin'}, {@code typeof data.t ==
 * 'number'}), whose coercions are worked out once, when the rule is compiled.
 */
final class CompiledEquality {

	private CompiledEquality() {
	}

	/** An equality, or its negation ({@code !=}, {@code !==}). */
	abstract static class Equality extends CompiledNode.Predicate {

		private final boolean negate;

		Equality(boolean negate) {
			this.negate = negate;
		}

		abstract boolean holds(Evaluation evaluation);

		@Override
		final boolean test(Evaluation evaluation) {
			return holds(evaluation) != this.negate;
		}

	}

	/** Two operands, neither a literal (or both). */
	static final class General extends Equality {

		private final CompiledNode left;

		private final CompiledNode right;

		private final boolean strict;

		General(CompiledNode left, CompiledNode right, boolean strict, boolean negate) {
			super(negate);
			this.left = left;
			this.right = right;
			this.strict = strict;
		}

		@Override
		boolean holds(Evaluation evaluation) {
			Object l = this.left.value(evaluation);
			Object r = this.right.value(evaluation);
			if (l instanceof String ls && r instanceof String rs) {
				return ls.equals(rs);
			}
			return this.strict ? JsValues.strictEquals(l, r) : JsValues.looseEquals(l, r);
		}

	}

	/** {@code x == null} or {@code x == undefined}. */
	static final class Nullish extends Equality {

		private final CompiledNode operand;

		Nullish(CompiledNode operand, boolean negate) {
			super(negate);
			this.operand = operand;
		}

		@Override
		boolean holds(Evaluation evaluation) {
			return this.operand.nullish(evaluation);
		}

	}

	/** {@code x == 5}, {@code x === 5}, or {@code x == true} (loosely, a boolean is compared as its number). */
	static final class WithNumber extends Equality {

		private final CompiledNode operand;

		private final double number;

		private final boolean strict;

		WithNumber(CompiledNode operand, double number, boolean strict, boolean negate) {
			super(negate);
			this.operand = operand;
			this.number = number;
			this.strict = strict;
		}

		@Override
		boolean holds(Evaluation evaluation) {
			if (!this.strict) {
				return this.operand.looselyEquals(evaluation, this.number);
			}
			Object raw = this.operand.raw(evaluation);
			if (raw instanceof JsonNode node) {
				return node.isNumber() && node.doubleValue() == this.number;
			}
			return raw instanceof Double d && d == this.number;
		}

	}

	/** {@code x == 'text'}, {@code x === 'text'}, or {@code typeof x == 'text'} (either equality). */
	static final class WithString extends Equality {

		enum Kind {
			LOOSE, STRICT, TYPE_OF
		}

		private final CompiledNode operand;

		private final String text;

		private final Kind kind;

		WithString(CompiledNode operand, String text, Kind kind, boolean negate) {
			super(negate);
			this.operand = operand;
			this.text = text;
			this.kind = kind;
		}

		@Override
		boolean holds(Evaluation evaluation) {
			if (this.kind == Kind.TYPE_OF) {
				return this.text.equals(this.operand.typeOf(evaluation));
			}
			Object value = this.operand.value(evaluation);
			if (value instanceof String s) {
				return this.text.equals(s);
			}
			return this.kind == Kind.LOOSE && JsValues.looseEquals(value, this.text);
		}

	}

}
