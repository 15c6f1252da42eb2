package io.sluice.gateway.permission;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** A JavaScript regular expression compiled to a Java {@link Pattern}; {@code global} is the {@code g} flag. */
record RegexValue(String source, String flags, Pattern pattern) {

	/**
	 * Compiles a JavaScript pattern with Java's engine, which agrees with JavaScript on the common syntax
	 * (classes, groups, anchors, quantifiers, lookahead). Sticky ({@code y}) matching has no counterpart here.
	 * @throws IllegalArgumentException naming the bad flag or the pattern error
	 */
	static RegexValue compile(String source, String flags) {
		int javaFlags = 0;
		for (char flag : flags.toCharArray()) {
			javaFlags |= switch (flag) {
				case 'g' -> 0;
				case 'i' -> Pattern.CASE_INSENSITIVE;
				case 'm' -> Pattern.MULTILINE;
				case 's' -> Pattern.DOTALL;
				case 'u' -> Pattern.UNICODE_CASE;
				default -> throw new IllegalArgumentException("regular expression flag '" + flag + "' is not supported");
			};
			if (flags.indexOf(flag) != flags.lastIndexOf(flag)) {
				throw new IllegalArgumentException("regular expression flag '" + flag + "' is repeated");
			}
		}
		try {
			return new RegexValue(source, flags, Pattern.compile(source, javaFlags));
		}
		catch (PatternSyntaxException ex) {
			throw new IllegalArgumentException("invalid regular expression /" + source + "/: " + ex.getDescription());
		}
	}

	boolean global() {
		return this.flags.indexOf('g') >= 0;
	}

	@Override
	public String toString() {
		return "/" + this.source + "/" + this.flags;
	}

}
