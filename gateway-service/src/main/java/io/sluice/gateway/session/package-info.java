/**
 * A client's deepstream session, from the WebSocket upgrade to its close: the endpoints on Reactor Netty
 * ({@code GatewayRoute}) and each connection's inbound pipeline ({@code ConnectionHandler}), the connection itself
 * ({@code Connection}) and the writing of one frame to many of them ({@code Fanout}), the login, heartbeat and
 * expiry timers, the checks every message passes, and the dispatch of each message to its topic's
 * {@code TopicHandler}. Built on {@link io.sluice.gateway.transport}.
 */
package io.sluice.gateway.session;
