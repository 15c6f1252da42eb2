package io.sluice.gateway.permission;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser for the expression language of Valve rules, with JavaScript's precedence:
 * conditional, {@code ||}, {@code &&}, equality, relational, additive, multiplicative, unary, member and call.
 * Anything outside the language (globals, keywords, calls of other functions, prototype access) is refused
 * with its column, so a bad permission file fails when it is loaded.
 */
final class RuleParser {

	static final Set<String> CONTEXT_VARIABLES = Set.of("user", "data", "oldData", "now", "action");

	private static final Set<String> FORBIDDEN_MEMBERS = Set.of("constructor", "prototype", "__proto__");

	private final String rule;

	private final List<Token> tokens;

	private int index;

	private final List<RuleNode.CrossRecord> crossRecords = new ArrayList<>();

	private final Set<String> variables = new LinkedHashSet<>();

	private final Set<String> contextVariables = new LinkedHashSet<>();

	private RuleParser(String rule) {
		this.rule = rule;
		this.tokens = RuleTokenizer.tokenize(rule);
	}

	record Result(RuleNode root, List<RuleNode.CrossRecord> crossRecords, Set<String> variables,
			Set<String> contextVariables) {
	}

	static Result parse(String rule) {
		if (rule.isBlank()) {
			throw new RuleSyntaxException("rule can't be empty", 1, rule);
		}
		RuleParser parser = new RuleParser(rule);
		RuleNode root = parser.conditional();
		Token trailing = parser.peek();
		if (trailing.kind() != Token.Kind.END) {
			throw parser.error(trailing.is(")") ? "unbalanced ')'" : "unexpected '" + trailing.text() + "' after the expression",
					trailing);
		}
		return new Result(root, List.copyOf(parser.crossRecords), Set.copyOf(parser.variables),
				Set.copyOf(parser.contextVariables));
	}

	private RuleNode conditional() {
		RuleNode test = or();
		if (!accept("?")) {
			return test;
		}
		RuleNode whenTrue = conditional();
		expect(":", "':' of the conditional");
		return new RuleNode.Conditional(test, whenTrue, conditional());
	}

	private RuleNode or() {
		RuleNode left = and();
		while (accept("||")) {
			left = new RuleNode.Logical(false, left, and());
		}
		return left;
	}

	private RuleNode and() {
		RuleNode left = equality();
		while (accept("&&")) {
			left = new RuleNode.Logical(true, left, equality());
		}
		return left;
	}

	private RuleNode equality() {
		RuleNode left = relational();
		while (peekOneOf("==", "!=", "===", "!==")) {
			left = new RuleNode.Binary(next().text(), left, relational());
		}
		return left;
	}

	private RuleNode relational() {
		RuleNode left = additive();
		while (peekOneOf("<", "<=", ">", ">=")) {
			left = new RuleNode.Binary(next().text(), left, additive());
		}
		return left;
	}

	private RuleNode additive() {
		RuleNode left = multiplicative();
		while (peekOneOf("+", "-")) {
			left = new RuleNode.Binary(next().text(), left, multiplicative());
		}
		return left;
	}

	private RuleNode multiplicative() {
		RuleNode left = unary();
		while (peekOneOf("*", "/", "%")) {
			left = new RuleNode.Binary(next().text(), left, unary());
		}
		return left;
	}

	private RuleNode unary() {
		if (peekOneOf("!", "-", "+") || peek().isIdentifier("typeof")) {
			String operator = next().text();
			return new RuleNode.Unary(operator, unary());
		}
		return postfix();
	}

	private RuleNode postfix() {
		RuleNode node = primary();
		while (true) {
			if (accept(".")) {
				Token name = next();
				if (name.kind() != Token.Kind.IDENTIFIER) {
					throw error("expected a member name after '.'", name);
				}
				checkMember(name.text(), name);
				if (peek().is("(")) {
					node = methodCall(node, name);
				}
				else {
					node = new RuleNode.Member(node, new RuleNode.Literal(name.text()));
				}
			}
			else if (peek().is("[")) {
				Token open = next();
				Token keyToken = peek();
				RuleNode key = conditional();
				if (key instanceof RuleNode.Literal literal && literal.value() instanceof String name) {
					checkMember(name, keyToken);
				}
				expect("]", "']' closing the '[' at column " + open.column());
				node = new RuleNode.Member(node, key);
			}
			else if (peek().is("(")) {
				throw error("only the methods " + String.join(", ", new java.util.TreeSet<>(RuleMethods.ALLOWED))
						+ " and _() may be called", peek());
			}
			else {
				return node;
			}
		}
	}

	private void checkMember(String name, Token token) {
		if (FORBIDDEN_MEMBERS.contains(name)) {
			throw error("member '" + name + "' is not allowed", token);
		}
	}

	private RuleNode methodCall(RuleNode target, Token name) {
		if (!RuleMethods.ALLOWED.contains(name.text())) {
			throw error("function '" + name.text() + "' is not supported", name);
		}
		List<RuleNode> arguments = arguments(next());
		if (name.text().equals("match") && !arguments.isEmpty() && arguments.get(0) instanceof RuleNode.Literal literal
				&& literal.value() instanceof String pattern) {
			arguments = precompiled(pattern, arguments);
		}
		return new RuleNode.MethodCall(target, name.text(), arguments);
	}

	/**
	 * {@code match('pattern')} compiled once, here, rather than at each evaluation; a pattern that does not compile
	 * stays a string, to fail when the rule runs, as in JavaScript.
	 */
	private static List<RuleNode> precompiled(String pattern, List<RuleNode> arguments) {
		List<RuleNode> compiled = new ArrayList<>(arguments);
		try {
			compiled.set(0, new RuleNode.Literal(RegexValue.compile(pattern, "")));
		}
		catch (IllegalArgumentException ex) {
			return arguments;
		}
		return List.copyOf(compiled);
	}

	private List<RuleNode> arguments(Token open) {
		List<RuleNode> arguments = new ArrayList<>();
		if (accept(")")) {
			return arguments;
		}
		do {
			arguments.add(conditional());
		}
		while (accept(","));
		expect(")", "')' closing the '(' at column " + open.column());
		return List.copyOf(arguments);
	}

	private RuleNode primary() {
		Token token = next();
		switch (token.kind()) {
			case NUMBER, STRING, REGEX:
				return new RuleNode.Literal(token.value());
			case IDENTIFIER:
				return identifier(token);
			case END:
				throw error("unexpected end of rule", token);
			default:
				if (token.is("(")) {
					RuleNode inner = conditional();
					expect(")", "')' closing the '(' at column " + token.column());
					return inner;
				}
				throw error("unexpected '" + token.text() + "'", token);
		}
	}

	private RuleNode identifier(Token token) {
		String name = token.text();
		switch (name) {
			case "true":
				return new RuleNode.Literal(true);
			case "false":
				return new RuleNode.Literal(false);
			case "null":
				return new RuleNode.Literal(JsValues.NULL);
			case "undefined":
				return new RuleNode.Literal(JsValues.UNDEFINED);
			case "_":
				return crossRecord(token);
			default:
				break;
		}
		if (CONTEXT_VARIABLES.contains(name)) {
			this.contextVariables.add(name);
			return new RuleNode.Variable(name);
		}
		if (name.startsWith("$") && name.length() > 1) {
			this.variables.add(name);
			return new RuleNode.PathVariable(name);
		}
		throw error("unknown identifier '" + name + "' (a rule may use user, data, oldData, now, action, "
				+ "$variables and _())", token);
	}

	private RuleNode crossRecord(Token underscore) {
		if (!peek().is("(")) {
			throw error("_ must be called: _(recordName)", underscore);
		}
		Token open = next();
		int start = this.index;
		RuleNode argument = conditional();
		if (!peek().is(")")) {
			throw error(peek().is(",") ? "_() takes one argument" : "expected ')' closing the '(' at column "
					+ open.column(), peek());
		}
		String source = this.rule.substring(this.tokens.get(start).column() - 1, peek().column() - 1).strip();
		next();
		RuleNode.CrossRecord node = new RuleNode.CrossRecord(argument, source);
		this.crossRecords.add(node);
		return node;
	}

	private Token peek() {
		return this.tokens.get(this.index);
	}

	private Token next() {
		Token token = this.tokens.get(this.index);
		if (token.kind() != Token.Kind.END) {
			this.index++;
		}
		return token;
	}

	private boolean peekOneOf(String... operators) {
		for (String operator : operators) {
			if (peek().is(operator)) {
				return true;
			}
		}
		return false;
	}

	private boolean accept(String operator) {
		if (peek().is(operator)) {
			this.index++;
			return true;
		}
		return false;
	}

	private void expect(String operator, String what) {
		Token token = peek();
		if (!accept(operator)) {
			throw error("expected " + what + (token.kind() == Token.Kind.END ? " before the end of rule"
					: " but found '" + token.text() + "'"), token);
		}
	}

	private RuleSyntaxException error(String problem, Token token) {
		return new RuleSyntaxException(problem, token.column(), this.rule);
	}

}
