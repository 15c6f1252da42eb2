package io.sluice.gateway.permission;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A JavaScript regular expression compiled, once, to a Java {@link Pattern}; {@code global} is the {@code g} flag.
 * <p>
 * The source is translated where the two engines read the same syntax differently: JavaScript's {@code $} is the
 * end of the input (Java's also matches before a final newline), {@code .}, {@code ^} and {@code $} know four line
 * terminators, {@code \s} is Unicode white space, {@code \b} is ASCII-only, {@code \v} is a character, {@code i}
 * folds Unicode case, a {@code [} inside a class is literal and a {@code {} that starts no quantifier is literal.
 * One difference remains: Java matches a surrogate pair as one character where JavaScript (without {@code u})
 * sees two, which only {@code .} or a negated class next to a character outside the BMP can tell.
 */
record RegexValue(String source, String flags, Pattern pattern) {

	/** The order in which JavaScript lists flags when it prints a regular expression. */
	private static final String FLAG_ORDER = "gimsu";

	private static final String LINE_TERMINATORS = "\\n\\r\\u2028\\u2029";

	private static final String WHITESPACE = "\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F"
			+ "\\u205F\\u3000\\uFEFF";

	private static final String WORD_BOUNDARY = "(?:(?<=[A-Za-z0-9_])(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])(?=[A-Za-z0-9_]))";

	private static final String NOT_WORD_BOUNDARY = "(?:(?<=[A-Za-z0-9_])(?=[A-Za-z0-9_])|(?<![A-Za-z0-9_])(?![A-Za-z0-9_]))";

	private static final Pattern QUANTIFIER = Pattern.compile("\\{\\d+(,\\d*)?}");

	/**
	 * @throws IllegalArgumentException naming the bad flag or the pattern error
	 */
	static RegexValue compile(String source, String flags) {
		StringBuilder ordered = new StringBuilder();
		for (char flag : flags.toCharArray()) {
			if (FLAG_ORDER.indexOf(flag) < 0) {
				throw new IllegalArgumentException("regular expression flag '" + flag + "' is not supported");
			}
			if (flags.indexOf(flag) != flags.lastIndexOf(flag)) {
				throw new IllegalArgumentException("regular expression flag '" + flag + "' is repeated");
			}
		}
		for (char flag : FLAG_ORDER.toCharArray()) {
			if (flags.indexOf(flag) >= 0) {
				ordered.append(flag);
			}
		}
		int javaFlags = flags.indexOf('i') >= 0 ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
		try {
			String translated = translate(source, flags.indexOf('m') >= 0, flags.indexOf('s') >= 0);
			return new RegexValue(source, ordered.toString(), Pattern.compile(translated, javaFlags));
		}
		catch (PatternSyntaxException ex) {
			throw new IllegalArgumentException("invalid regular expression /" + source + "/: " + ex.getDescription());
		}
	}

	/** The JavaScript pattern as a Java pattern with the same meaning (see the class comment). */
	private static String translate(String source, boolean multiline, boolean dotAll) {
		StringBuilder java = new StringBuilder(source.length() + 16);
		int i = 0;
		while (i < source.length()) {
			char c = source.charAt(i);
			if (c == '\\' && i + 1 < source.length()) {
				java.append(escape(source.charAt(i + 1), false, i + 2 < source.length() ? source.charAt(i + 2) : 0));
				i += 2;
			}
			else if (c == '[') {
				i = characterClass(source, i, java);
			}
			else if (c == '{') {
				// a brace that starts no quantifier is a literal in JavaScript, an error in Java
				java.append(QUANTIFIER.matcher(source).region(i, source.length()).lookingAt() ? "{" : "\\{");
				i++;
			}
			else {
				java.append(switch (c) {
					case '.' -> dotAll ? "(?s:.)" : "[^" + LINE_TERMINATORS + "]";
					case '^' -> multiline ? "(?:^|(?<=[" + LINE_TERMINATORS + "]))" : "^";
					case '$' -> multiline ? "(?=[" + LINE_TERMINATORS + "]|\\z)" : "\\z";
					default -> String.valueOf(c);
				});
				i++;
			}
		}
		return java.toString();
	}

	/** Copies a class {@code [...]} starting at {@code start}; returns the index after it. */
	private static int characterClass(String source, int start, StringBuilder java) {
		int i = start + 1;
		boolean negated = i < source.length() && source.charAt(i) == '^';
		if (negated) {
			i++;
		}
		if (i < source.length() && source.charAt(i) == ']') {
			// [] matches nothing, [^] anything
			java.append(negated ? "[\\s\\S]" : "(?!)");
			return i + 1;
		}
		java.append(negated ? "[^" : "[");
		while (i < source.length() && source.charAt(i) != ']') {
			char c = source.charAt(i);
			if (c == '\\' && i + 1 < source.length()) {
				java.append(escape(source.charAt(i + 1), true, i + 2 < source.length() ? source.charAt(i + 2) : 0));
				i += 2;
			}
			else {
				// literal in JavaScript, a nested class or an intersection in Java
				java.append(c == '[' || c == '&' ? "\\" + c : String.valueOf(c));
				i++;
			}
		}
		java.append(']');
		return i + 1;
	}

	private static String escape(char c, boolean inClass, char following) {
		return switch (c) {
			case 'd', 'D', 'w', 'W', 't', 'n', 'r', 'f', 'c', 'x', 'u', 'k', 'p', 'P' -> "\\" + c;
			case 's' -> inClass ? WHITESPACE : "[" + WHITESPACE + "]";
			case 'S' -> "[^" + WHITESPACE + "]";
			case 'b' -> inClass ? "\\x08" : WORD_BOUNDARY;
			case 'B' -> inClass ? "B" : NOT_WORD_BOUNDARY;
			case 'v' -> "\\x0B";
			case '0' -> following >= '0' && following <= '9' ? "\\0" : "\\x00";
			default -> {
				if (c >= '1' && c <= '9') {
					yield "\\" + c;
				}
				// an identity escape: the character itself (Java gives other letters a meaning of their own)
				yield Character.isLetter(c) ? String.valueOf(c) : "\\" + c;
			}
		};
	}

	boolean global() {
		return this.flags.indexOf('g') >= 0;
	}

	@Override
	public String toString() {
		return "/" + this.source + "/" + this.flags;
	}

}
