package io.sluice.gateway.protocol;

import java.util.List;

/**
 * The one rule for record, event, RPC and user names, checked before any topic handler sees a message: not empty,
 * not longer than the configured limit, and free of control characters (which would end up in logs, keys and
 * other systems' identifiers).
 */
public final class Names {

	private Names() {
	}

	/** What is wrong with {@code name}, or {@code null} if it is a valid name (or absent, which is not judged here). */
	public static String problem(String name, int maxLength) {
		if (name == null) {
			return null;
		}
		if (name.isEmpty()) {
			return "Empty name";
		}
		if (name.length() > maxLength) {
			return "Name of " + name.length() + " characters is longer than " + maxLength;
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
				return "Name contains the control character U+" + String.format("%04X", (int) c);
			}
		}
		return null;
	}

	/** What is wrong with the first invalid name of a message ({@code name}, then {@code names}), or {@code null}. */
	public static String problem(Message message, int maxLength) {
		String problem = problem(message.name(), maxLength);
		if (problem != null) {
			return problem;
		}
		List<String> names = message.names();
		for (int i = 0; i < names.size(); i++) {
			problem = problem(names.get(i), maxLength);
			if (problem != null) {
				return problem;
			}
		}
		return null;
	}

}
