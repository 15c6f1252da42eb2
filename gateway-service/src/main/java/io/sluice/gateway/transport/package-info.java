/**
 * Bytes to and from a client's socket, knowing nothing of the deepstream session: the bounded outbound queue written
 * straight to the Netty channel ({@code Outbound}, {@code OutboundPolicy}), whole server WebSocket frames
 * ({@code WebSocketFrames}), how a connection was closed ({@code CloseStatus}) and the bounded number of inbound
 * messages in progress ({@code BoundedWork}).
 */
package io.sluice.gateway.transport;
