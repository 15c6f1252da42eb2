package io.sluice.gateway.permission;

import java.util.List;

import tools.jackson.databind.JsonNode;

/** A node of a parsed rule. The tree is immutable and shared by every evaluation of the rule. */
interface RuleNode {

	Object evaluate(Evaluation evaluation);

	record Literal(Object value) implements RuleNode {
		@Override
		public Object evaluate(Evaluation evaluation) {
			return this.value;
		}
	}

	/** {@code user}, {@code data}, {@code oldData}, {@code now} or {@code action}. */
	record Variable(String name) implements RuleNode {
		@Override
		public Object evaluate(Evaluation evaluation) {
			return evaluation.variable(this.name);
		}
	}

	/** A {@code $name} captured from the path. */
	record PathVariable(String name) implements RuleNode {
		@Override
		public Object evaluate(Evaluation evaluation) {
			return evaluation.pathVariable(this.name);
		}
	}

	/** {@code target.name} or {@code target[key]}. */
	record Member(RuleNode target, RuleNode key) implements RuleNode {
		@Override
		public Object evaluate(Evaluation evaluation) {
			Object base = this.target.evaluate(evaluation);
			Object key = this.key.evaluate(evaluation);
			String name = JsValues.toJsString(key);
			if (base == JsValues.UNDEFINED || base == JsValues.NULL) {
				throw new RuleEvaluationException(
						"cannot read property '" + name + "' of " + JsValues.toJsString(base));
			}
			if (base instanceof String s) {
				return name.equals("length") ? (double) s.length() : indexed(name, s.length(), i -> s.substring(i, i + 1));
			}
			if (base instanceof JsonNode node && node.isArray()) {
				return name.equals("length") ? (double) node.size()
						: indexed(name, node.size(), i -> JsValues.fromJson(node.get(i)));
			}
			if (base instanceof JsonNode node) {
				return JsValues.fromJson(node.get(name));
			}
			return JsValues.UNDEFINED;
		}

		private static Object indexed(String name, int size, java.util.function.IntFunction<Object> element) {
			double index = JsValues.parseNumber(name);
			boolean canonical = !Double.isNaN(index) && JsValues.numberToString(index).equals(name);
			if (canonical && index >= 0 && index < size && index == Math.rint(index)) {
				return element.apply((int) index);
			}
			return JsValues.UNDEFINED;
		}
	}

	/** One of the string methods a rule may call; see {@link RuleMethods}. */
	record MethodCall(RuleNode target, String method, List<RuleNode> arguments) implements RuleNode {
		@Override
		public Object evaluate(Evaluation evaluation) {
			Object receiver = this.target.evaluate(evaluation);
			Object[] values = new Object[this.arguments.size()];
			for (int i = 0; i < values.length; i++) {
				values[i] = this.arguments.get(i).evaluate(evaluation);
			}
			return RuleMethods.call(receiver, this.method, values);
		}
	}

	/** {@code _(argument)}: the data of another record. {@code source} is the argument as written. */
	record CrossRecord(RuleNode argument, String source) implements RuleNode {
		@Override
		public Object evaluate(Evaluation evaluation) {
			return evaluation.crossRecord(this.argument.evaluate(evaluation));
		}
	}

	record Unary(String operator, RuleNode operand) implements RuleNode {
		@Override
		public Object evaluate(Evaluation evaluation) {
			Object value = this.operand.evaluate(evaluation);
			return switch (this.operator) {
				case "!" -> !JsValues.truthy(value);
				case "-" -> -JsValues.toNumber(value);
				case "+" -> JsValues.toNumber(value);
				case "typeof" -> JsValues.typeOf(value);
				default -> throw new IllegalStateException(this.operator);
			};
		}
	}

	/** An arithmetic, comparison or equality operator; both operands are always evaluated. */
	record Binary(String operator, RuleNode left, RuleNode right) implements RuleNode {
		@Override
		public Object evaluate(Evaluation evaluation) {
			Object l = this.left.evaluate(evaluation);
			Object r = this.right.evaluate(evaluation);
			return switch (this.operator) {
				case "+" -> JsValues.add(l, r);
				case "-" -> JsValues.toNumber(l) - JsValues.toNumber(r);
				case "*" -> JsValues.toNumber(l) * JsValues.toNumber(r);
				case "/" -> JsValues.toNumber(l) / JsValues.toNumber(r);
				case "%" -> JsValues.toNumber(l) % JsValues.toNumber(r);
				case "==" -> JsValues.looseEquals(l, r);
				case "!=" -> !JsValues.looseEquals(l, r);
				case "===" -> JsValues.strictEquals(l, r);
				case "!==" -> !JsValues.strictEquals(l, r);
				default -> compare(l, r);
			};
		}

		private boolean compare(Object l, Object r) {
			Integer sign = JsValues.compare(l, r);
			if (sign == null) {
				return false;
			}
			return switch (this.operator) {
				case "<" -> sign < 0;
				case "<=" -> sign <= 0;
				case ">" -> sign > 0;
				case ">=" -> sign >= 0;
				default -> throw new IllegalStateException(this.operator);
			};
		}
	}

	/** {@code &&} and {@code ||}: short-circuit, and the value is the operand that decided, as in JavaScript. */
	record Logical(boolean and, RuleNode left, RuleNode right) implements RuleNode {
		@Override
		public Object evaluate(Evaluation evaluation) {
			Object l = this.left.evaluate(evaluation);
			return JsValues.truthy(l) == this.and ? this.right.evaluate(evaluation) : l;
		}
	}

	record Conditional(RuleNode test, RuleNode whenTrue, RuleNode whenFalse) implements RuleNode {
		@Override
		public Object evaluate(Evaluation evaluation) {
			return JsValues.truthy(this.test.evaluate(evaluation)) ? this.whenTrue.evaluate(evaluation)
					: this.whenFalse.evaluate(evaluation);
		}
	}

}
