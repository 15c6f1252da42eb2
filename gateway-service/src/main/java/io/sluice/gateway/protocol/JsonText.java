package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;

/** Error texts travel in a message's {@code data}, which the client parses as JSON: so they go as JSON strings. */
public final class JsonText {

	private JsonText() {
	}

	/** {@code text} as a JSON string literal, in UTF-8. */
	public static byte[] quote(String text) {
		StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c < 0x20) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString().getBytes(StandardCharsets.UTF_8);
	}

}
