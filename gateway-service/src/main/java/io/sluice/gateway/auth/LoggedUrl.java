package io.sluice.gateway.auth;

import java.net.URI;

/**
 * A URL as the logs show it: without its user part and its query, which may hold a password or a key (as in
 * {@code https://user:password@host/auth?key=...}); the rest says which service is meant.
 */
final class LoggedUrl {

	private LoggedUrl() {
	}

	static String of(URI url) {
		if (url == null || url.getHost() == null) {
			return String.valueOf(url);
		}
		StringBuilder shown = new StringBuilder();
		if (url.getScheme() != null) {
			shown.append(url.getScheme()).append("://");
		}
		if (url.getRawUserInfo() != null) {
			shown.append("***@");
		}
		shown.append(url.getHost());
		if (url.getPort() != -1) {
			shown.append(':').append(url.getPort());
		}
		shown.append((url.getRawPath() != null) ? url.getRawPath() : "");
		if (url.getRawQuery() != null) {
			shown.append("?***");
		}
		return shown.toString();
	}

}
