package io.sluice.gateway.permission;

import java.util.List;
import java.util.Random;

/**
 * Random Valve rule expressions over the names the contexts of {@link ValveRuleJavaScriptTests} hold: every
 * operator, method and coercion of the language, nested, with edge values. Reproducible from the seed.
 * <p>
 * No string here holds a character outside the BMP: a regular expression would match its surrogate pair as one
 * character in Java and as two in JavaScript (see {@link RegexValue}); the edge cases of the test use such
 * characters where both agree.
 */
final class RandomRuleExpressions {

	private static final List<String> NUMBERS = List.of("0", "1", "2", "3", "10", "1.5", "0.1", "0.2", ".5", "1e21",
			"1e-7", "123456789", "9007199254740993", "1e300", "0x1F", "100", "0.000001", "123e-20", "4.35", "0.5",
			"1e20", "2.5e-5", "255", "1000000", "99999999999999999999", "33.333");

	private static final List<String> STRINGS = List.of("", "0", "1", " 1 ", "1.0", "abc", "ABC", "Ab", "a", "b", "x",
			"é", "É", "ß", "İ", "\u00a0 x \u00a0", "\ufeffy", "1e3", "0x10", "-0x10", "0x", "0b11", "0o7", "Infinity",
			"-Infinity", "true", "null", "undefined", "[object Object]", "1,2", "1,2,3", "a\"b", "it's", "\n", " \t",
			"chat/alice", "alice", "Admin", "admin", "rec/a", "rec/b", "rec/", "bob@example.com", "2024-01-01",
			"10", "9", "-5", "+5", " ", "1_000", "1e", ".", "5.", "ΑΣ", "\u2028");

	private static final List<String> PATHS = List.of("user", "user.id", "user.isAuthenticated", "user.data",
			"user.data.role", "user.data.level", "user.data.tags", "user.data.flags", "user.data.flags.beta",
			"user.data.score", "user.data.nothing", "user.data.name", "user.data.list", "data", "data.a", "data.s",
			"data.n", "data.arr", "data.o", "data.o.k", "data.o.deep", "data.e", "data.z", "data.zero", "data.huge",
			"data.tiny", "data.frac", "data.max", "data.neg", "data.t", "data.f", "data.num", "data.pad", "data.hex",
			"data.inf", "data.u", "data.nbsp", "data.upper", "data.mixed", "data.email", "data.path",
			"data.list", "data.one", "data.nested", "data.missing", "data.length", "data[0]", "data[3]", "oldData",
			"oldData.a", "oldData.s", "oldData.arr", "oldData.owner", "now", "action", "$userId", "$id", "$name",
			"_('rec/a')", "_('rec/a').owner", "_('rec/b')", "_('rec/none')");

	private static final List<String> STRING_PATHS = List.of("data.s", "data.e", "data.z", "data.num", "data.pad",
			"data.hex", "data.u", "data.nbsp", "data.upper", "data.mixed", "data.email", "data.path",
			"user.data.role", "user.data.name", "user.id", "$userId", "$id", "$name", "action", "data",
			"_('rec/a').owner", "oldData.s", "data.inf", "user.data.score");

	private static final List<String> ARRAY_PATHS = List.of("data.arr", "data.list", "data.one", "data.nested",
			"user.data.tags", "user.data.list", "oldData.arr", "data");

	private static final List<String> KEYS = List.of("a", "s", "n", "arr", "o", "k", "deep", "x", "e", "z", "zero",
			"huge", "tiny", "t", "f", "num", "length", "missing", "role", "level", "tags", "flags", "beta", "owner",
			"admin", "count", "next", "list", "one", "u");

	private static final List<String> INDEXES = List.of("0", "1", "2", "3", "-1", "1.5", "'01'", "'1'", "'length'",
			"-0", "'0'", "1e0", "$id", "data.a", "data.zero", "' 1'", "'a'", "'k'", "null", "undefined", "true");

	private static final List<String> REGEXES = List.of("/^a/", "/b$/", "/(a)(x)?/", "/[0-9]+/g", "/é/i", "/a/i",
			"/^$/", "/\\d/", "/\\s/", "/./g", "/\\w+@\\w+/", "/abc$/", "/^\\S+$/", "/(\\d+)-(\\d+)/", "/x*/g", "/A|b/gi",
			"/^chat\\/(\\w+)$/", "/[^a-z]/", "/\\bb/", "/ß/i", "/^.$/", "/^.$/s", "/^x$/m", "/[\\s\\S]/",
			"/(?:ab)+/", "/(?=b)/", "/a{2}/", "/\\u00e9/", "/\\x41/i");

	private static final List<String> POSITIONS = List.of("0", "1", "-1", "2.7", "100", "'1'", "null", "undefined",
			"0/0", "1/0", "-1/0", "true");

	private static final List<String> CROSS_NAMES = List.of("'rec/a'", "'rec/b'", "'rec/none'", "'rec/' + $id",
			"_('rec/a').next", "_('rec/b').next", "undefined", "'rec/undefined'", "data.missing", "1", "'absent'",
			"data.s", "'rec/' + 'a'", "null");

	private static final List<String> BINARY = List.of("+", "-", "*", "/", "%", "==", "!=", "===", "!==", "<", ">",
			"<=", ">=", "&&", "||");

	private final Random random;

	RandomRuleExpressions(long seed) {
		this.random = new Random(seed);
	}

	String next() {
		return value(1 + this.random.nextInt(4));
	}

	private String value(int depth) {
		if (depth <= 0 || this.random.nextInt(10) < 2) {
			return atom();
		}
		int choice = this.random.nextInt(100);
		if (choice < 30) {
			String operator = pick(BINARY);
			String expression = value(depth - 1) + " " + operator + " " + value(depth - 1);
			// without parentheses now and then, so that precedence is compared too
			return this.random.nextInt(4) == 0 ? expression : "(" + expression + ")";
		}
		if (choice < 40) {
			return unary(depth);
		}
		if (choice < 47) {
			return "(" + value(depth - 1) + " ? " + value(depth - 1) + " : " + value(depth - 1) + ")";
		}
		if (choice < 62) {
			return member(depth);
		}
		if (choice < 90) {
			return method(depth);
		}
		return "_(" + (this.random.nextBoolean() ? pick(CROSS_NAMES) : value(depth - 1)) + ")";
	}

	private String unary(int depth) {
		String operand = value(depth - 1);
		return switch (this.random.nextInt(5)) {
			case 0 -> "!" + operand;
			case 1 -> "- " + operand;
			case 2 -> "+ " + operand;
			case 3 -> "typeof " + operand;
			default -> "!!" + operand;
		};
	}

	private String member(int depth) {
		String base = this.random.nextBoolean() ? pick(PATHS) : "(" + value(depth - 1) + ")";
		if (this.random.nextBoolean()) {
			return base + "." + pick(KEYS);
		}
		String key = switch (this.random.nextInt(3)) {
			case 0 -> pick(INDEXES);
			case 1 -> quote(pick(KEYS));
			default -> value(depth - 1);
		};
		return base + "[" + key + "]";
	}

	private String method(int depth) {
		if (this.random.nextInt(5) == 0) {
			String receiver = pick(ARRAY_PATHS);
			return receiver + "." + (this.random.nextBoolean() ? "indexOf" : "includes") + "(" + argument(depth)
					+ (this.random.nextBoolean() ? ", " + pick(POSITIONS) : "") + ")";
		}
		String receiver = switch (this.random.nextInt(4)) {
			case 0 -> pick(STRING_PATHS);
			case 1 -> stringLiteral();
			case 2 -> "(" + value(depth - 1) + ")";
			default -> "(" + pick(STRING_PATHS) + " + " + value(depth - 1) + ")";
		};
		return receiver + switch (this.random.nextInt(9)) {
			case 0 -> ".toLowerCase()";
			case 1 -> ".toUpperCase()";
			case 2 -> ".trim()";
			case 3, 4 -> ".match(" + (this.random.nextInt(4) == 0 ? argument(depth) : pick(REGEXES)) + ")";
			default -> "." + pick(List.of("startsWith", "endsWith", "indexOf", "includes")) + "("
					+ (this.random.nextInt(8) == 0 ? "" : argument(depth)
							+ (this.random.nextInt(3) == 0 ? ", " + pick(POSITIONS) : ""))
					+ ")";
		};
	}

	private String argument(int depth) {
		return this.random.nextBoolean() ? stringLiteral() : value(depth - 1);
	}

	private String atom() {
		return switch (this.random.nextInt(10)) {
			case 0, 1 -> pick(NUMBERS);
			case 2, 3 -> stringLiteral();
			case 4 -> pick(List.of("true", "false", "null", "undefined", "(0/0)", "-0", "(1/0)", "(0 * -1)"));
			default -> pick(PATHS);
		};
	}

	private String stringLiteral() {
		return quote(pick(STRINGS));
	}

	/** A JavaScript string literal of the text, in single or double quotes, now and then with escapes. */
	private String quote(String text) {
		char quote = this.random.nextBoolean() ? '\'' : '"';
		boolean escapeAll = this.random.nextInt(6) == 0;
		StringBuilder literal = new StringBuilder().append(quote);
		for (char c : text.toCharArray()) {
			if (c == quote || c == '\\') {
				literal.append('\\').append(c);
			}
			else if (c == '\n') {
				literal.append("\\n");
			}
			else if (c == '\t') {
				literal.append("\\t");
			}
			else if (c == '\u2028') {
				literal.append("\\u2028");
			}
			else if (escapeAll && c < 0x100) {
				literal.append(String.format("\\x%02x", (int) c));
			}
			else if (escapeAll) {
				literal.append(String.format("\\u%04X", (int) c));
			}
			else {
				literal.append(c);
			}
		}
		return literal.append(quote).toString();
	}

	private String pick(List<String> choices) {
		return choices.get(this.random.nextInt(choices.size()));
	}

}
