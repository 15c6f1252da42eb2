package io.sluice.gateway.transport;

/**
 * How a connection was closed: the WebSocket close code and reason this side sent, or {@link #BY_PEER} when the
 * client closed it.
 */
public record CloseStatus(int code, String reason) {

	public static final CloseStatus BY_PEER = new CloseStatus(1000, "closed by the client");

}
