package io.sluice.gateway.auth;

import java.util.Map;

/**
 * What the server knows of a connection before it logs in, as deepstream passes it to its authentication handlers.
 *
 * @param remoteAddress the client's address, as the server sees it
 * @param headers the headers of the WebSocket upgrade request, by lower-case name
 * @param url the URL the client says it connected to, from its challenge, or {@code null}
 */
public record ConnectionData(String remoteAddress, Map<String, String> headers, String url) {

	public ConnectionData {
		headers = (headers != null) ? Map.copyOf(headers) : Map.of();
	}

}
