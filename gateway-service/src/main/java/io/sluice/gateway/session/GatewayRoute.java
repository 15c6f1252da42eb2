package io.sluice.gateway.session;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.boot.reactor.netty.NettyRouteProvider;

/**
 * Mounts the deepstream endpoint directly on Reactor Netty, ahead of WebFlux on the same server and port: a bare
 * Netty WebSocket costs about half the memory and CPU of a WebFlux {@code WebSocketSession}.
 */
public final class GatewayRoute implements NettyRouteProvider {

	private static final Logger logger = LoggerFactory.getLogger(GatewayRoute.class);

	private final GatewayProperties properties;

	private final ConnectionHandler handler;

	public GatewayRoute(GatewayProperties properties, List<TopicHandler> handlers) {
		this.properties = properties;
		this.handler = new ConnectionHandler(new SessionDispatcher(handlers), properties);
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		logger.info("deepstream endpoint at {} (messages up to {}, {} queued per client)", this.properties.path(),
				this.properties.maxMessageSize(), this.properties.outboundQueueLimit());
		WebsocketServerSpec spec = WebsocketServerSpec.builder()
			.maxFramePayloadLength((int) this.properties.maxMessageSize().toBytes())
			.build();
		return routes.ws(this.properties.path(), this.handler, spec);
	}

}
