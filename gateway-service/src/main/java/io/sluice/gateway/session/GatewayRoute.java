package io.sluice.gateway.session;

import java.time.Duration;
import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.JsonFrameCodec;

/**
 * Mounts the deepstream endpoints directly on Reactor Netty, ahead of WebFlux on the same server and port: a bare
 * Netty WebSocket costs about half the memory and CPU of a WebFlux {@code WebSocketSession}. The binary endpoint and
 * the JSON one share the dispatcher and so every handler.
 *
 * <p>As a {@link SmartLifecycle} it stops before the web server's graceful shutdown: it tells every client to
 * reconnect elsewhere and waits, up to {@code sluice.gateway.shutdown-timeout}, for them to go, so that the web
 * server is not left waiting for WebSockets that would never end by themselves. Starting, it warms up the login
 * path ({@link LoginWarmUp}) before the application reports itself ready.
 */
public final class GatewayRoute
		implements NettyRouteProvider, SmartLifecycle, ApplicationListener<ReactiveWebServerInitializedEvent> {

	/** Before the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}): lifecycles stop high to low. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Logger logger = LoggerFactory.getLogger(GatewayRoute.class);

	private final GatewayProperties properties;

	private final ConnectionRegistry registry = new ConnectionRegistry();

	private final ConnectionHandler binary;

	private final ConnectionHandler json;

	private final ConnectionTimers timers;

	private final Authenticator authenticator;

	private volatile Disposable sweep;

	private volatile int port = -1;

	private volatile boolean running;

	public GatewayRoute(GatewayProperties properties, List<TopicHandler> handlers, Authenticator authenticator) {
		this(properties, handlers, authenticator, null);
	}

	/** @param gate the permission check, or {@code null} when every authenticated client may do anything */
	public GatewayRoute(GatewayProperties properties, List<TopicHandler> handlers, Authenticator authenticator,
			MessageGate gate) {
		this.properties = properties;
		this.authenticator = authenticator;
		SessionDispatcher dispatcher = new SessionDispatcher(handlers, authenticator, properties, gate);
		this.timers = new ConnectionTimers(properties, Schedulers.parallel());
		this.binary = new ConnectionHandler(dispatcher, properties, FrameCodec.BINARY, this.registry, this.timers);
		this.json = new ConnectionHandler(dispatcher, properties, new JsonFrameCodec(properties.maxJsonDepth()),
				this.registry, this.timers);
		logger.info("Authentication by {}", authenticator);
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		WebsocketServerSpec spec = WebsocketServerSpec.builder()
			.maxFramePayloadLength((int) this.properties.maxMessageSize().toBytes())
			.build();
		logger.info("deepstream endpoint at {} (messages up to {}; per client {} queued, beyond that up to {} while "
				+ "it reads within {})", this.properties.path(), this.properties.maxMessageSize(),
				this.properties.outboundBudget(), this.properties.outboundLimit(), this.properties.stallTimeout());
		if (!this.properties.allowedOrigins().isEmpty()) {
			logger.info("Browser pages may open a WebSocket from {} only", this.properties.allowedOrigins());
		}
		HttpServerRoutes mounted = mount(routes, this.properties.path(), this.binary, spec);
		if (!this.properties.jsonPath().isEmpty()) {
			logger.info("deepstream JSON endpoint at {}", this.properties.jsonPath());
			mounted = mount(mounted, this.properties.jsonPath(), this.json, spec);
		}
		return mounted;
	}

	/**
	 * Reactor Netty's WebSocket route at {@code path}; with allowed origins, a route ahead of it answers an upgrade
	 * from a browser page of another origin with 403, so it is never upgraded.
	 */
	private HttpServerRoutes mount(HttpServerRoutes routes, String path, ConnectionHandler handler,
			WebsocketServerSpec spec) {
		if (this.properties.allowedOrigins().isEmpty()) {
			return routes.ws(path, handler, spec);
		}
		return routes.route((request) -> refusedOrigin(request, path), (request, response) -> {
			logger.debug("Refused a WebSocket from a page of {}: not in sluice.gateway.allowed-origins",
					request.requestHeaders().get(HttpHeaderNames.ORIGIN));
			return response.status(HttpResponseStatus.FORBIDDEN).send();
		}).ws(path, handler, spec);
	}

	private boolean refusedOrigin(HttpServerRequest request, String path) {
		String origin = request.requestHeaders().get(HttpHeaderNames.ORIGIN);
		return origin != null && path.equals(request.fullPath()) && !this.properties.allowsOrigin(origin);
	}

	/** How many clients are connected to this node. */
	public int connectionCount() {
		return this.registry.size();
	}

	/** The bytes waiting in the fullest outbound queue of this node's connections (a walk over all of them). */
	public long largestOutboundQueue() {
		return this.registry.largestOutboundQueue();
	}

	@Override
	public void start() {
		this.sweep = this.timers.start(this.registry.connections());
		new LoginWarmUp(this.properties, this.authenticator).run(this.port);
		this.running = true;
	}

	/** The port the web server took, and so this route's endpoints; known before {@link #start()}. */
	@Override
	public void onApplicationEvent(ReactiveWebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() == null) {
			this.port = event.getWebServer().getPort();
		}
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	@Override
	public void stop(Runnable callback) {
		Duration timeout = this.properties.shutdownTimeout();
		// Spring waits for the callback, not for this thread: the drain runs on the connections' own threads.
		this.registry.drain(timeout).doFinally((signal) -> {
			Disposable timers = this.sweep;
			if (timers != null) {
				timers.dispose();
			}
			this.running = false;
			callback.run();
		}).subscribe(null, (ex) -> logger.warn("Closing the connections failed", ex));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
