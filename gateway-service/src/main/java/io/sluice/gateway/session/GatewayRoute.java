package io.sluice.gateway.session;

import java.util.List;

import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.boot.reactor.netty.NettyRouteProvider;

/**
 * Mounts the deepstream endpoint directly on Reactor Netty, ahead of WebFlux on the same server and port: a bare
 * Netty WebSocket costs about half the memory and CPU of a WebFlux {@code WebSocketSession}.
 */
public final class GatewayRoute implements NettyRouteProvider {

	private final GatewayProperties properties;

	private final ConnectionHandler handler;

	public GatewayRoute(GatewayProperties properties, List<TopicHandler> handlers) {
		this.properties = properties;
		this.handler = new ConnectionHandler(new SessionDispatcher(handlers), properties);
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		WebsocketServerSpec spec = WebsocketServerSpec.builder()
			.maxFramePayloadLength((int) this.properties.maxMessageSize().toBytes())
			.build();
		return routes.ws(this.properties.path(), this.handler, spec);
	}

}
