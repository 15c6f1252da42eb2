package io.sluice.gateway.permission;

import tools.jackson.databind.JsonNode;

/** The compiled nodes that read values: literals, the context, members, method calls and {@code _()}. */
final class CompiledValues {

	private static final Object[] NO_ARGUMENTS = {};

	private CompiledValues() {
	}

	/** A literal, with what its parents ask of it found once. */
	static final class Constant extends CompiledNode {

		private final Object value;

		private final boolean truthy;

		private final double number;

		private final String type;

		Constant(Object value) {
			this.value = value;
			this.truthy = JsValues.truthy(value);
			this.number = JsValues.toNumber(value);
			this.type = JsValues.typeOf(value);
		}

		@Override
		Object value(Evaluation evaluation) {
			return this.value;
		}

		@Override
		boolean test(Evaluation evaluation) {
			return this.truthy;
		}

		@Override
		double number(Evaluation evaluation) {
			return this.number;
		}

		@Override
		String typeOf(Evaluation evaluation) {
			return this.type;
		}

	}

	/** {@code data} or {@code oldData}: the tree, read only as far as the rule reads it. */
	static final class ContextData extends CompiledNode.Raw {

		private final boolean old;

		ContextData(boolean old) {
			this.old = old;
		}

		@Override
		Object raw(Evaluation evaluation) {
			JsonNode data = this.old ? evaluation.context().oldData() : evaluation.context().data();
			return (data != null) ? data : JsValues.UNDEFINED;
		}

	}

	/** {@code user} as a whole. */
	static final class User extends CompiledNode {

		@Override
		Object value(Evaluation evaluation) {
			return evaluation.user();
		}

	}

	/**
	 * {@code user.id}, {@code user.isAuthenticated} or {@code user.data}, read from the context rather than from the
	 * {@code user} object built of them ({@link RuleContext#user(String, JsonNode)}).
	 */
	static final class UserMember extends CompiledNode.Raw {

		enum Name {
			ID, IS_AUTHENTICATED, DATA
		}

		private final Name name;

		UserMember(Name name) {
			this.name = name;
		}

		@Override
		Object raw(Evaluation evaluation) {
			RuleContext context = evaluation.context();
			return switch (this.name) {
				case ID -> (context.userId() != null) ? context.userId() : JsValues.NULL;
				case IS_AUTHENTICATED -> context.userId() != null;
				case DATA -> (context.userData() != null) ? context.userData() : JsValues.NULL;
			};
		}

	}

	static final class Now extends CompiledNode.Numeric {

		@Override
		double number(Evaluation evaluation) {
			return evaluation.context().now();
		}

	}

	static final class Action extends CompiledNode {

		@Override
		Object value(Evaluation evaluation) {
			String action = evaluation.context().action();
			return (action != null) ? action : JsValues.UNDEFINED;
		}

	}

	/** A {@code $name} captured from the path. */
	static final class PathVariable extends CompiledNode {

		private final String name;

		PathVariable(String name) {
			this.name = name;
		}

		@Override
		Object value(Evaluation evaluation) {
			return evaluation.pathVariable(this.name);
		}

	}

	/** {@code _(argument)}. */
	static final class CrossRecord extends CompiledNode {

		private final CompiledNode argument;

		CrossRecord(CompiledNode argument) {
			this.argument = argument;
		}

		@Override
		Object value(Evaluation evaluation) {
			return evaluation.crossRecord(this.argument.value(evaluation));
		}

	}

	/** A chain of members with names written in the rule, {@code data.a.b} or {@code data[0]}, walked in one loop. */
	static final class Path extends CompiledNode.Raw {

		private final CompiledNode target;

		private final Members.Key[] keys;

		Path(CompiledNode target, Members.Key[] keys) {
			this.target = target;
			this.keys = keys;
		}

		/** This path followed by one more member. */
		Path then(Members.Key key) {
			Members.Key[] longer = java.util.Arrays.copyOf(this.keys, this.keys.length + 1);
			longer[this.keys.length] = key;
			return new Path(this.target, longer);
		}

		@Override
		Object raw(Evaluation evaluation) {
			Object base = this.target.raw(evaluation);
			for (Members.Key key : this.keys) {
				base = Members.get(base, key);
			}
			return base;
		}

	}

	/** {@code target.length}: a string's or an array's length is not boxed unless the value itself is asked for. */
	static final class Length extends CompiledNode.Raw {

		private final CompiledNode target;

		Length(CompiledNode target) {
			this.target = target;
		}

		@Override
		Object raw(Evaluation evaluation) {
			Object base = this.target.raw(evaluation);
			int length = Members.length(base);
			return (length >= 0) ? (Object) (double) length : Members.get(base, Members.LENGTH);
		}

		@Override
		double number(Evaluation evaluation) {
			Object base = this.target.raw(evaluation);
			int length = Members.length(base);
			return (length >= 0) ? length : number(Members.get(base, Members.LENGTH));
		}

		@Override
		boolean test(Evaluation evaluation) {
			Object base = this.target.raw(evaluation);
			int length = Members.length(base);
			return (length >= 0) ? length != 0 : truthy(Members.get(base, Members.LENGTH));
		}

		@Override
		boolean looselyEquals(Evaluation evaluation, double number) {
			Object base = this.target.raw(evaluation);
			int length = Members.length(base);
			return (length >= 0) ? length == number : looselyEquals(Members.get(base, Members.LENGTH), number);
		}

	}

	/** {@code target[key]} with a key computed when the rule runs. */
	static final class Member extends CompiledNode.Raw {

		private final CompiledNode target;

		private final CompiledNode key;

		Member(CompiledNode target, CompiledNode key) {
			this.target = target;
			this.key = key;
		}

		@Override
		Object raw(Evaluation evaluation) {
			Object base = this.target.raw(evaluation);
			Object key = this.key.value(evaluation);
			return Members.get(base, Members.Key.of(JsValues.toJsString(key)));
		}

	}

	/** One of the methods of {@link RuleMethods}. */
	static final class MethodCall extends CompiledNode {

		private final CompiledNode target;

		private final String method;

		private final CompiledNode[] arguments;

		MethodCall(CompiledNode target, String method, CompiledNode[] arguments) {
			this.target = target;
			this.method = method;
			this.arguments = arguments;
		}

		@Override
		Object value(Evaluation evaluation) {
			Object receiver = this.target.value(evaluation);
			Object[] values = (this.arguments.length == 0) ? NO_ARGUMENTS : new Object[this.arguments.length];
			for (int i = 0; i < values.length; i++) {
				values[i] = this.arguments[i].value(evaluation);
			}
			return RuleMethods.call(receiver, this.method, values);
		}

	}

	/**
	 * {@code target.match(/regex/)}: its value is the match array or {@code null}, but a rule mostly asks whether
	 * there is a match ({@code != null}, {@code &&}), which a string answers by finding it, without building the array.
	 */
	static final class Match extends CompiledNode {

		private final CompiledNode target;

		private final RegexValue regex;

		private final Object[] arguments;

		/** The characters of a regular expression that is one class of plain characters ({@code /[<>]/}), or null. */
		private final String anyOf;

		Match(CompiledNode target, RegexValue regex) {
			this.target = target;
			this.regex = regex;
			this.arguments = new Object[] { regex };
			this.anyOf = characterClass(regex);
		}

		/**
		 * What {@code /[abc]/} and {@code /[abc]/g} match, one of the characters, found by looking for them rather than
		 * by running the pattern: no escape, range, negation or nested class, no flag that changes what a character
		 * matches, no surrogate.
		 */
		private static String characterClass(RegexValue regex) {
			String source = regex.source();
			boolean plainFlags = regex.flags().isEmpty() || regex.flags().equals("g");
			if (!plainFlags || source.length() < 3 || source.charAt(0) != '['
					|| source.charAt(source.length() - 1) != ']') {
				return null;
			}
			String members = source.substring(1, source.length() - 1);
			for (int i = 0; i < members.length(); i++) {
				char c = members.charAt(i);
				if (c == '\\' || c == '[' || c == ']' || c == '-' || c == '^' || Character.isSurrogate(c)) {
					return null;
				}
			}
			return members;
		}

		private boolean find(String s) {
			if (this.anyOf == null) {
				return this.regex.pattern().matcher(s).find();
			}
			for (int i = 0; i < s.length(); i++) {
				if (this.anyOf.indexOf(s.charAt(i)) >= 0) {
					return true;
				}
			}
			return false;
		}

		@Override
		Object value(Evaluation evaluation) {
			return RuleMethods.call(this.target.value(evaluation), "match", this.arguments);
		}

		@Override
		boolean test(Evaluation evaluation) {
			Object receiver = this.target.value(evaluation);
			if (receiver instanceof String s) {
				return find(s);
			}
			// anything else fails as the call does
			return truthy(RuleMethods.call(receiver, "match", this.arguments));
		}

		@Override
		boolean nullish(Evaluation evaluation) {
			return !test(evaluation);
		}

	}

}
