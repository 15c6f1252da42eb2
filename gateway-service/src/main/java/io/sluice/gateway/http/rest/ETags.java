package io.sluice.gateway.http.rest;

/**
 * A record's version as an entity tag: {@code "7"} (quoted, strong). {@code If-Match} names the one version a write
 * builds on; {@code If-None-Match} may list several, or {@code *}, and compares weakly (RFC 9110).
 */
final class ETags {

	private ETags() {
	}

	static String of(long version) {
		return "\"" + version + "\"";
	}

	/**
	 * The version an {@code If-Match} header names, or {@code null} without one.
	 * @throws RestProblemException when it is not one strong entity tag holding a version
	 */
	static Long ifMatch(String header) {
		if (header == null) {
			return null;
		}
		Long version = version(header.trim());
		if (version == null) {
			throw new RestProblemException(RestProblem.INVALID_REQUEST,
					"If-Match must be one version as the ETag gives it, such as \"3\"; was " + header);
		}
		return version;
	}

	/** Whether an {@code If-None-Match} header names {@code version} (or is {@code *}). */
	static boolean noneMatchHits(String header, long version) {
		if (header == null) {
			return false;
		}
		for (String tag : header.split(",")) {
			String trimmed = tag.trim();
			if (trimmed.equals("*")) {
				return true;
			}
			Long named = version(trimmed.startsWith("W/") ? trimmed.substring(2) : trimmed);
			if (named != null && named == version) {
				return true;
			}
		}
		return false;
	}

	private static Long version(String tag) {
		if (tag.length() < 3 || tag.charAt(0) != '"' || tag.charAt(tag.length() - 1) != '"') {
			return null;
		}
		try {
			long version = Long.parseLong(tag.substring(1, tag.length() - 1));
			return (version >= 0) ? version : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
