package io.sluice.gateway.session;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
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

	/** What a refused upgrade is told to wait, in seconds, before trying again. */
	static final String RETRY_AFTER = "5";

	private static final long FULL_LOG_INTERVAL = Duration.ofMinutes(1).toNanos();

	private final GatewayProperties properties;

	private final ConnectionLimits limits;

	private final ConnectionSlots slots;

	/** When a full node was last logged, so that a node that stays full logs it once a minute. */
	private final AtomicLong fullLogged = new AtomicLong(System.nanoTime() - FULL_LOG_INTERVAL);

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
		this(properties, ConnectionLimits.defaults(), handlers, authenticator, gate);
	}

	/** @param gate the permission check, or {@code null} when every authenticated client may do anything */
	public GatewayRoute(GatewayProperties properties, ConnectionLimits limits, List<TopicHandler> handlers,
			Authenticator authenticator, MessageGate gate) {
		this(properties, limits, new RefusedLogins(limits), handlers, authenticator, gate);
	}

	/**
	 * @param refusedLogins the allowance of refused logins per address, shared with the gateway's other ways in
	 * @param gate the permission check, or {@code null} when every authenticated client may do anything
	 */
	public GatewayRoute(GatewayProperties properties, ConnectionLimits limits, RefusedLogins refusedLogins,
			List<TopicHandler> handlers, Authenticator authenticator, MessageGate gate) {
		this.properties = properties;
		this.limits = limits;
		this.slots = new ConnectionSlots(limits);
		this.authenticator = authenticator;
		SessionDispatcher dispatcher = new SessionDispatcher(handlers, authenticator, properties, gate,
				refusedLogins);
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
		logger.info("At most {} connections{}", this.limits.maxConnections(),
				(this.limits.maxConnectionsPerAddress() > 0)
						? ", " + this.limits.maxConnectionsPerAddress() + " from one address" : "");
		HttpServerRoutes mounted = mount(routes, this.properties.path(), this.binary, spec);
		if (!this.properties.jsonPath().isEmpty()) {
			logger.info("deepstream JSON endpoint at {}", this.properties.jsonPath());
			mounted = mount(mounted, this.properties.jsonPath(), this.json, spec);
		}
		return mounted;
	}

	/**
	 * Reactor Netty's WebSocket route at {@code path}, behind routes that answer the upgrades it must not take: with
	 * allowed origins, one from a browser page of another origin gets 403; one beyond the connection limits gets 503
	 * and {@code Retry-After}. The last route's condition takes the connection's slot when it lets the upgrade
	 * through: Reactor Netty tests a request against the routes once each, in order, until one takes it.
	 */
	private HttpServerRoutes mount(HttpServerRoutes routes, String path, ConnectionHandler handler,
			WebsocketServerSpec spec) {
		HttpServerRoutes checked = routes;
		if (!this.properties.allowedOrigins().isEmpty()) {
			checked = checked.route((request) -> refusedOrigin(request, path), (request, response) -> {
				logger.debug("Refused a WebSocket from a page of {}: not in sluice.gateway.allowed-origins",
						request.requestHeaders().get(HttpHeaderNames.ORIGIN));
				return response.status(HttpResponseStatus.FORBIDDEN).send();
			});
		}
		return checked.route((request) -> isUpgrade(request, path) && !admitted(request),
				(request, response) -> response.status(HttpResponseStatus.SERVICE_UNAVAILABLE)
					.header(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER)
					.header(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
					.send())
			.ws(path, handler, spec);
	}

	private boolean refusedOrigin(HttpServerRequest request, String path) {
		String origin = request.requestHeaders().get(HttpHeaderNames.ORIGIN);
		return origin != null && path.equals(request.fullPath()) && !this.properties.allowsOrigin(origin);
	}

	private static boolean isUpgrade(HttpServerRequest request, String path) {
		return request.method().equals(HttpMethod.GET) && path.equals(request.fullPath()) && request.requestHeaders()
			.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
	}

	/** Takes a slot for the upgrade's connection, or says why not and returns {@code false}. */
	private boolean admitted(HttpServerRequest request) {
		String address = ConnectionSlots.key(request.remoteAddress());
		Channel[] channel = new Channel[1];
		request.withConnection((connection) -> channel[0] = connection.channel());
		ConnectionSlots.Refusal refusal = this.slots.admit(channel[0], address);
		if (refusal == null) {
			return true;
		}
		if (refusal == ConnectionSlots.Refusal.NODE) {
			long now = System.nanoTime();
			long logged = this.fullLogged.get();
			if (now - logged >= FULL_LOG_INTERVAL && this.fullLogged.compareAndSet(logged, now)) {
				logger.warn("This node has sluice.gateway.max-connections ({}) clients: refusing new ones with 503",
						this.limits.maxConnections());
			}
		}
		logger.debug("Refused a WebSocket from {}: {} connections reached", address,
				(refusal == ConnectionSlots.Refusal.NODE) ? "max-connections" : "max-connections-per-address");
		return false;
	}

	/** How many clients are connected to this node. */
	public int connectionCount() {
		return this.registry.size();
	}

	/** The bytes waiting in the fullest outbound queue of this node's connections (a walk over all of them). */
	public long largestOutboundQueue() {
		return this.registry.largestOutboundQueue();
	}

	/** How many connections hold a slot of {@code sluice.gateway.max-connections}: upgraded and not closed yet. */
	public int admittedConnections() {
		return this.slots.taken();
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
