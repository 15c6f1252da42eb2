package io.sluice.gateway.permission;

/**
 * A Valve rule that cannot be compiled: the message names the problem, the column (1-based) and the rule.
 * Raised once, when the permission file is loaded, never while a message is being checked.
 */
public final class RuleSyntaxException extends IllegalArgumentException {

	private final int column;

	RuleSyntaxException(String problem, int column, String rule) {
		super(problem + " at column " + column + " in rule: " + rule);
		this.column = column;
	}

	public int column() {
		return this.column;
	}

}
