package io.sluice.gateway.permission;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits a rule into tokens. Operators a rule may never use (assignment, increment, arrow functions, bitwise
 * operators, blocks, template strings) are refused here, with their column, rather than left to the parser.
 */
final class RuleTokenizer {

	/** Longest first, so that {@code ===} wins over {@code ==} and {@code =}. */
	private static final List<String> OPERATORS = List.of("===", "!==", ">>>=", "**=", "<<=", ">>=", ">>>", "==",
			"!=", "<=", ">=", "&&", "||", "??", "=>", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**",
			"<<", ">>", "?.", "+", "-", "*", "/", "%", "<", ">", "!", "?", ":", ".", "(", ")", "[", "]", ",", "=", ";",
			"&", "|", "^", "~", "{", "}");

	private static final Set<String> ASSIGNMENTS = Set.of("=", "+=", "-=", "*=", "/=", "%=", "**=", "&=", "|=", "^=",
			"<<=", ">>=", ">>>=");

	private static final Map<String, String> REFUSED = Map.of("++", "increment '++' is not allowed", "--",
			"decrement '--' is not allowed", "=>", "user functions ('=>') are not allowed", ";",
			"';' is not allowed: a rule is one expression", "{", "'{' is not allowed: a rule is one expression", "}",
			"'}' is not allowed: a rule is one expression");

	/** Refused as soon as they are read, so that they are reported before anything later in the rule. */
	private static final Map<String, String> KEYWORDS = Map.of("new", "the new keyword is not allowed", "function",
			"user functions are not allowed", "this", "'this' is not allowed", "eval", "eval is not allowed");

	private static final Set<String> UNSUPPORTED = Set.of("&", "|", "^", "~", "<<", ">>", ">>>", "**", "??", "?.");

	private final String rule;

	private final List<Token> tokens = new ArrayList<>();

	private int position;

	private RuleTokenizer(String rule) {
		this.rule = rule;
	}

	static List<Token> tokenize(String rule) {
		RuleTokenizer tokenizer = new RuleTokenizer(rule);
		tokenizer.run();
		return tokenizer.tokens;
	}

	private void run() {
		while (true) {
			skipWhitespace();
			if (this.position >= this.rule.length()) {
				this.tokens.add(new Token(Token.Kind.END, "", null, this.position + 1));
				return;
			}
			char c = this.rule.charAt(this.position);
			if (c == '\'' || c == '"') {
				string(c);
			}
			else if (Character.isDigit(c) || (c == '.' && nextIsDigit())) {
				number();
			}
			else if (isIdentifierStart(c)) {
				identifier();
			}
			else if (c == '/' && regexMayStartHere()) {
				regex();
			}
			else if (c == '`') {
				throw error("template strings are not supported", this.position);
			}
			else {
				operator();
			}
		}
	}

	private void skipWhitespace() {
		while (this.position < this.rule.length() && Character.isWhitespace(this.rule.charAt(this.position))) {
			this.position++;
		}
	}

	private boolean nextIsDigit() {
		return this.position + 1 < this.rule.length() && Character.isDigit(this.rule.charAt(this.position + 1));
	}

	private static boolean isIdentifierStart(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
	}

	private static boolean isIdentifierPart(char c) {
		return isIdentifierStart(c) || (c >= '0' && c <= '9');
	}

	/** As in JavaScript, a slash after a value is division; anywhere else it opens a regular expression. */
	private boolean regexMayStartHere() {
		if (this.tokens.isEmpty()) {
			return true;
		}
		Token previous = this.tokens.get(this.tokens.size() - 1);
		return switch (previous.kind()) {
			case NUMBER, STRING, REGEX -> false;
			case IDENTIFIER -> previous.text().equals("typeof");
			default -> !previous.is(")") && !previous.is("]");
		};
	}

	private void string(char quote) {
		int start = this.position;
		StringBuilder value = new StringBuilder();
		this.position++;
		while (true) {
			if (this.position >= this.rule.length() || this.rule.charAt(this.position) == '\n'
					|| this.rule.charAt(this.position) == '\r') {
				throw error("unterminated string", start);
			}
			char c = this.rule.charAt(this.position++);
			if (c == quote) {
				break;
			}
			if (c != '\\') {
				value.append(c);
				continue;
			}
			if (this.position >= this.rule.length()) {
				throw error("unterminated string", start);
			}
			char escaped = this.rule.charAt(this.position++);
			switch (escaped) {
				case 'n' -> value.append('\n');
				case 't' -> value.append('\t');
				case 'r' -> value.append('\r');
				case 'b' -> value.append('\b');
				case 'f' -> value.append('\f');
				case 'v' -> value.append('\u000B');
				case '0' -> {
					if (this.position < this.rule.length() && Character.isDigit(this.rule.charAt(this.position))) {
						throw error("octal escape sequences are not allowed", this.position - 2);
					}
					value.append('\0');
				}
				case '1', '2', '3', '4', '5', '6', '7', '8', '9' ->
					throw error("octal escape sequences are not allowed", this.position - 2);
				case '\r' -> {
					// a line continuation: the escaped line break is not part of the string
					if (this.position < this.rule.length() && this.rule.charAt(this.position) == '\n') {
						this.position++;
					}
				}
				case '\n', '\u2028', '\u2029' -> {
				}
				case 'u' -> value.append(hexEscape(4));
				case 'x' -> value.append(hexEscape(2));
				default -> value.append(escaped);
			}
		}
		add(Token.Kind.STRING, start, value.toString());
	}

	private char hexEscape(int digits) {
		int start = this.position - 2;
		if (this.position + digits > this.rule.length()) {
			throw error("invalid escape sequence", start);
		}
		try {
			char c = (char) Integer.parseInt(this.rule.substring(this.position, this.position + digits), 16);
			this.position += digits;
			return c;
		}
		catch (NumberFormatException ex) {
			throw error("invalid escape sequence", start);
		}
	}

	private void number() {
		int start = this.position;
		while (this.position < this.rule.length() && (Character.isLetterOrDigit(this.rule.charAt(this.position))
				|| this.rule.charAt(this.position) == '.' || isExponentSign(start))) {
			this.position++;
		}
		String text = this.rule.substring(start, this.position);
		if (text.length() > 1 && text.charAt(0) == '0' && Character.isDigit(text.charAt(1))) {
			// sloppy JavaScript reads 010 as octal 8 and 08 as decimal 8; strict mode refuses both
			throw error("a number may not start with 0: '" + text + "'", start);
		}
		double value = JsValues.parseNumber(text);
		if (Double.isNaN(value) || text.startsWith("+") || text.startsWith("-")) {
			throw error("invalid number '" + text + "'", start);
		}
		add(Token.Kind.NUMBER, start, value);
	}

	/** A sign belongs to the number only right after the exponent marker of a decimal literal: {@code 1e-3}. */
	private boolean isExponentSign(int start) {
		char c = this.rule.charAt(this.position);
		if (c != '+' && c != '-') {
			return false;
		}
		char previous = this.rule.charAt(this.position - 1);
		return (previous == 'e' || previous == 'E') && !this.rule.substring(start, this.position).startsWith("0x");
	}

	private void identifier() {
		int start = this.position;
		while (this.position < this.rule.length() && isIdentifierPart(this.rule.charAt(this.position))) {
			this.position++;
		}
		String name = this.rule.substring(start, this.position);
		if (KEYWORDS.containsKey(name)) {
			throw error(KEYWORDS.get(name), start);
		}
		add(Token.Kind.IDENTIFIER, start, name);
	}

	private void regex() {
		int start = this.position;
		boolean inClass = false;
		this.position++;
		while (true) {
			if (this.position >= this.rule.length() || this.rule.charAt(this.position) == '\n') {
				throw error("unterminated regular expression", start);
			}
			char c = this.rule.charAt(this.position++);
			if (c == '\\') {
				this.position++;
			}
			else if (c == '[') {
				inClass = true;
			}
			else if (c == ']') {
				inClass = false;
			}
			else if (c == '/' && !inClass) {
				break;
			}
		}
		String source = this.rule.substring(start + 1, this.position - 1);
		int flagsStart = this.position;
		while (this.position < this.rule.length() && isIdentifierPart(this.rule.charAt(this.position))) {
			this.position++;
		}
		String flags = this.rule.substring(flagsStart, this.position);
		if (source.isEmpty()) {
			throw error("empty regular expression", start);
		}
		try {
			add(Token.Kind.REGEX, start, RegexValue.compile(source, flags));
		}
		catch (IllegalArgumentException ex) {
			throw error(ex.getMessage(), start);
		}
	}

	private void operator() {
		for (String operator : OPERATORS) {
			if (this.rule.startsWith(operator, this.position)) {
				int start = this.position;
				if (ASSIGNMENTS.contains(operator)) {
					throw error("assignment '" + operator + "' is not allowed", start);
				}
				if (REFUSED.containsKey(operator)) {
					throw error(REFUSED.get(operator), start);
				}
				if (UNSUPPORTED.contains(operator)) {
					throw error("operator '" + operator + "' is not supported", start);
				}
				this.position += operator.length();
				add(Token.Kind.OPERATOR, start, operator);
				return;
			}
		}
		throw error("unexpected character '" + this.rule.charAt(this.position) + "'", this.position);
	}

	private void add(Token.Kind kind, int start, Object value) {
		this.tokens.add(new Token(kind, this.rule.substring(start, this.position), value, start + 1));
	}

	private RuleSyntaxException error(String problem, int index) {
		return new RuleSyntaxException(problem, index + 1, this.rule);
	}

}
