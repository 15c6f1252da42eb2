package io.sluice.gateway.protocol;

/**
 * How deeply JSON text nests, found by counting brackets outside strings, without parsing: a message's data is
 * parsed later by whoever uses it (the record service, another client), and a few bytes of {@code [[[[...} must
 * not get that far.
 */
public final class JsonDepth {

	private JsonDepth() {
	}

	/** Whether {@code json} (UTF-8) opens more than {@code maxDepth} arrays or objects inside one another. */
	public static boolean exceeds(byte[] json, int maxDepth) {
		if (json.length <= maxDepth) {
			// Each level takes a byte: the common small message needs no scan (it is checked on every one).
			return false;
		}
		int depth = 0;
		boolean inString = false;
		for (int i = 0; i < json.length; i++) {
			byte b = json[i];
			if (inString) {
				if (b == '\\') {
					i++;
				}
				else if (b == '"') {
					inString = false;
				}
			}
			else if (b == '"') {
				inString = true;
			}
			else if (b == '[' || b == '{') {
				if (++depth > maxDepth) {
					return true;
				}
			}
			else if (b == ']' || b == '}') {
				depth--;
			}
		}
		return false;
	}

}
