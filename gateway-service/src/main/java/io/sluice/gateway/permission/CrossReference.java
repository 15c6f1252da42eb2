package io.sluice.gateway.permission;

import java.util.Optional;

/**
 * One {@code _(argument)} of a rule. Before evaluating the rule, the caller evaluates each argument (in the
 * listed order: an inner {@code _()} comes before the one that contains it) and preloads the named records.
 */
public final class CrossReference {

	private final RuleNode.CrossRecord node;

	private final CompiledNode argument;

	CrossReference(RuleNode.CrossRecord node) {
		this.node = node;
		this.argument = RuleCompiler.compile(node.argument());
	}

	/** The argument as written in the rule, e.g. {@code 'settings/' + data.id}. */
	public String source() {
		return this.node.source();
	}

	/**
	 * The record name the argument evaluates to; empty when it is undefined or contains "undefined" (deepstream
	 * then reads nothing and {@code _()} gives undefined).
	 * @throws IllegalArgumentException when the argument cannot be evaluated or is not a string
	 */
	public Optional<String> recordName(RuleContext context, int maxRuleIterations) {
		Object name;
		try {
			name = this.argument.value(new Evaluation(context, maxRuleIterations));
		}
		catch (RuleEvaluationException ex) {
			throw new IllegalArgumentException("cannot evaluate _(" + source() + "): " + ex.getMessage(), ex);
		}
		if (name == JsValues.UNDEFINED || (name instanceof String s && s.contains("undefined"))) {
			return Optional.empty();
		}
		if (name instanceof String recordName) {
			return Optional.of(recordName);
		}
		throw new IllegalArgumentException("_(" + source() + ") needs a record name, got " + JsValues.typeOf(name));
	}

	@Override
	public String toString() {
		return "_(" + source() + ")";
	}

}
