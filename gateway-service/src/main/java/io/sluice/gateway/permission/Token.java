package io.sluice.gateway.permission;

/**
 * One lexical token of a rule. {@code value} holds the decoded literal (a {@link Double}, a {@link String} or
 * a {@link RegexValue}); {@code column} is 1-based.
 */
record Token(Kind kind, String text, Object value, int column) {

	enum Kind {
		NUMBER, STRING, REGEX, IDENTIFIER, OPERATOR, END
	}

	boolean is(String operator) {
		return this.kind == Kind.OPERATOR && this.text.equals(operator);
	}

	boolean isIdentifier(String name) {
		return this.kind == Kind.IDENTIFIER && this.text.equals(name);
	}

}
