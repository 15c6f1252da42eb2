package io.sluice.gateway.permission;

import java.util.List;

/**
 * A node of a parsed rule, as written. The parser builds the tree; {@link RuleCompiler} turns it into what is
 * evaluated.
 */
interface RuleNode {

	record Literal(Object value) implements RuleNode {
	}

	/** {@code user}, {@code data}, {@code oldData}, {@code now} or {@code action}. */
	record Variable(String name) implements RuleNode {
	}

	/** A {@code $name} captured from the path. */
	record PathVariable(String name) implements RuleNode {
	}

	/** {@code target.name} or {@code target[key]}. */
	record Member(RuleNode target, RuleNode key) implements RuleNode {
	}

	/** One of the string methods a rule may call; see {@link RuleMethods}. */
	record MethodCall(RuleNode target, String method, List<RuleNode> arguments) implements RuleNode {
	}

	/** {@code _(argument)}: the data of another record. {@code source} is the argument as written. */
	record CrossRecord(RuleNode argument, String source) implements RuleNode {
	}

	/** {@code !}, {@code -}, {@code +} or {@code typeof}. */
	record Unary(String operator, RuleNode operand) implements RuleNode {
	}

	/** An arithmetic, comparison or equality operator; both operands are always evaluated. */
	record Binary(String operator, RuleNode left, RuleNode right) implements RuleNode {
	}

	/** {@code &&} and {@code ||}: short-circuit, and the value is the operand that decided, as in JavaScript. */
	record Logical(boolean and, RuleNode left, RuleNode right) implements RuleNode {
	}

	record Conditional(RuleNode test, RuleNode whenTrue, RuleNode whenFalse) implements RuleNode {
	}

}
