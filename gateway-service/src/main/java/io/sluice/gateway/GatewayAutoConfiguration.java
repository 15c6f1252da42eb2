package io.sluice.gateway;

import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.HotStreamHistory;
import io.sluice.connector.MessageBus;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.StreamHistory;
import io.sluice.gateway.admin.AdminConfiguration;
import io.sluice.gateway.auth.AuthConfiguration;
import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.cluster.ClusterMembership;
import io.sluice.gateway.cluster.ClusterProperties;
import io.sluice.gateway.event.EventHandler;
import io.sluice.gateway.event.EventRelay;
import io.sluice.gateway.history.EventHistory;
import io.sluice.gateway.history.HistoryProcedure;
import io.sluice.gateway.history.HistoryProperties;
import io.sluice.gateway.history.HistoryStreams;
import io.sluice.gateway.history.TieredStreamHistory;
import io.sluice.gateway.http.HttpConfiguration;
import io.sluice.gateway.http.deepstream.DeepstreamHttpConfiguration;
import io.sluice.gateway.http.rest.RestConfiguration;
import io.sluice.gateway.listen.ListenProperties;
import io.sluice.gateway.listen.ListenRelay;
import io.sluice.gateway.metrics.GatewayMetrics;
import io.sluice.gateway.permission.PermissionConfiguration;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.presence.PresenceHandler;
import io.sluice.gateway.presence.PresenceRelay;
import io.sluice.gateway.record.RecordHandler;
import io.sluice.gateway.record.RecordNotifier;
import io.sluice.gateway.rpc.BuiltInProcedure;
import io.sluice.gateway.rpc.RpcHandler;
import io.sluice.gateway.rpc.RpcProperties;
import io.sluice.gateway.rpc.RpcRelay;
import io.sluice.gateway.session.ConnectionLimits;
import io.sluice.gateway.session.GatewayProperties;
import io.sluice.gateway.session.GatewayRoute;
import io.sluice.gateway.session.RefusedLogins;
import io.sluice.gateway.session.MessageGate;
import io.sluice.gateway.session.TopicHandler;
import io.sluice.record.RecordService;

/**
 * The deepstream WebSocket endpoint at {@code sluice.gateway.path}, on the web server's own port. It needs a
 * {@link RecordService} and a {@link MessageBus}, which the record service and a connector starter provide.
 */
@AutoConfiguration(afterName = { "io.sluice.record.write.RecordServiceAutoConfiguration",
		"io.sluice.connector.memory.MemoryConnectorAutoConfiguration" })
@ConditionalOnClass(name = "reactor.netty.http.server.HttpServer")
@Import({ AdminConfiguration.class, AuthConfiguration.class, PermissionConfiguration.class, HttpConfiguration.class,
		DeepstreamHttpConfiguration.class, RestConfiguration.class })
@EnableConfigurationProperties({ GatewayProperties.class, ConnectionLimits.class, ClusterProperties.class,
		RpcProperties.class, ListenProperties.class, HistoryProperties.class })
public final class GatewayAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(GatewayAutoConfiguration.class);


	@Bean
	@ConditionalOnMissingBean
	RecordHandler gatewayRecordHandler(RecordService records, ListenProperties listen,
			ObjectProvider<Permissions> permissions) {
		return new RecordHandler(records, listen, Schedulers.parallel(), permissions.getIfAvailable());
	}

	@Bean
	RecordNotifier gatewayRecordNotifier(RecordHandler handler) {
		return handler.notifier();
	}

	/**
	 * The history of the names {@code sluice.history.streams} names, in the stream history connector; none (a null
	 * bean) when no connector provides one, which is a mistake only if streams are configured.
	 */
	@Bean
	@ConditionalOnMissingBean
	EventHistory gatewayEventHistory(ObjectProvider<StreamHistory> history, ObjectProvider<StreamArchive> archive,
			ObjectProvider<StorageQueue> queue, HistoryProperties properties, Environment environment) {
		HistoryStreams streams = new HistoryStreams(properties);
		if (streams.any()) {
			HistoryStreams.checkSharedAcrossNodes(environment.getProperty(ConnectorChoice.HISTORY_TYPE, "memory"),
					environment.getProperty(ConnectorChoice.BUS_TYPE, "memory"));
		}
		StreamHistory connector = history.getIfAvailable();
		if (connector == null) {
			if (streams.any()) {
				throw new IllegalStateException("sluice.history.streams is set, but no connector keeps stream history: "
						+ "add io.sluice:sluice-memory-starter or the starter that sluice.history.type names");
			}
			return null;
		}
		if (streams.any()) {
			logger.info("Event history: {} stream pattern(s)", properties.streams().size());
			// A hot history (memory, Redis) keeps a cold copy in the store when there is one, written by the storage
			// worker from the storage queue, so that the history survives losing the hot one.
			StreamArchive cold = archive.getIfAvailable();
			StorageQueue storageQueue = queue.getIfAvailable();
			if (connector instanceof HotStreamHistory hot && cold != null && storageQueue != null) {
				logger.info("Event history: hot in {}, cold in the store through the storage queue",
						connector.getClass().getSimpleName());
				connector = new TieredStreamHistory(hot, cold, storageQueue, streams::retention, streams::stored);
			}
		}
		return new EventHistory(connector, streams, properties.maxRead());
	}

	@Bean
	@ConditionalOnMissingBean
	HistoryProcedure gatewayHistoryProcedure(ObjectProvider<EventHistory> history,
			ObjectProvider<Permissions> permissions) {
		EventHistory events = history.getIfAvailable();
		return (events != null) ? new HistoryProcedure(events, permissions.getIfAvailable()) : null;
	}

	@Bean
	@ConditionalOnMissingBean
	EventHandler gatewayEventHandler(MessageBus bus, ListenProperties listen, ObjectProvider<EventHistory> history) {
		return new EventHandler(bus, listen, Schedulers.parallel(), history.getIfAvailable());
	}

	@Bean
	EventRelay gatewayEventRelay(EventHandler handler) {
		return handler.relay();
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterMembership gatewayClusterMembership(MessageBus bus, ClusterProperties properties, Environment environment) {
		rejectWithdrawn(environment, "sluice.rpc.resync-interval", "sluice.presence.resync-interval");
		return new ClusterMembership(bus, properties, Schedulers.parallel());
	}

	@Bean
	ListenRelay gatewayRecordListenRelay(RecordHandler handler, ClusterMembership membership) {
		return ListenRelay.attach(handler, membership);
	}

	@Bean
	ListenRelay gatewayEventListenRelay(EventHandler handler, ClusterMembership membership) {
		return ListenRelay.attach(handler, membership);
	}

	@Bean
	@ConditionalOnMissingBean
	RpcHandler gatewayRpcHandler(ClusterMembership membership, RpcProperties properties,
			ObjectProvider<BuiltInProcedure> builtIns) {
		return new RpcHandler(membership, properties, builtIns.orderedStream().toList());
	}

	@Bean
	RpcRelay gatewayRpcRelay(RpcHandler handler) {
		return handler.relay();
	}

	@Bean
	@ConditionalOnMissingBean
	PresenceHandler gatewayPresenceHandler(ClusterMembership membership) {
		return new PresenceHandler(membership);
	}

	@Bean
	PresenceRelay gatewayPresenceRelay(PresenceHandler handler) {
		return handler.relay();
	}

	/** Refused logins per remote address, counted across WebSocket logins and the HTTP API's. */
	@Bean
	@ConditionalOnMissingBean
	RefusedLogins gatewayRefusedLogins(ConnectionLimits limits) {
		return new RefusedLogins(limits);
	}

	@Bean
	GatewayRoute gatewayRoute(GatewayProperties properties, ConnectionLimits limits, RefusedLogins refusedLogins,
			ObjectProvider<TopicHandler> handlers, Authenticator authenticator, ObjectProvider<MessageGate> gate,
			Environment environment) {
		boolean tls = environment.getProperty("server.ssl.enabled", Boolean.class, false)
				|| environment.containsProperty("server.ssl.bundle");
		if (tls && properties.allowedOrigins().isEmpty()) {
			logger.warn("TLS is on and a browser page of any origin may open a WebSocket here: set "
					+ "sluice.gateway.allowed-origins to the origins of your application's pages");
		}
		return new GatewayRoute(properties, limits, refusedLogins, handlers.orderedStream().toList(), authenticator,
				gate.getIfAvailable());
	}

	/** The gateway's meters, where the application has Micrometer. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static final class Metrics {

		@Bean
		GatewayMetrics gatewayMetrics(GatewayRoute route) {
			return new GatewayMetrics(route::connectionCount, route::largestOutboundQueue);
		}

	}

	/** A property that was replaced stops start-up, rather than being ignored while the user thinks it works. */
	private static void rejectWithdrawn(Environment environment, String... names) {
		Binder binder = Binder.get(environment);
		for (String name : names) {
			if (binder.bind(name, Bindable.of(String.class)).isBound()) {
				throw new IllegalStateException(name + " was replaced by sluice.cluster.heartbeat-interval, "
						+ "sluice.cluster.missed-heartbeats and sluice.cluster.resync-interval, one setting for every "
						+ "capability: remove it and set those instead");
			}
		}
	}

}
