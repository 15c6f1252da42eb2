package io.sluice.gateway;

import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import io.sluice.connector.MessageBus;
import io.sluice.gateway.auth.AuthConfiguration;
import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.event.EventHandler;
import io.sluice.gateway.event.EventRelay;
import io.sluice.gateway.http.HttpConfiguration;
import io.sluice.gateway.http.deepstream.DeepstreamHttpConfiguration;
import io.sluice.gateway.http.rest.RestConfiguration;
import io.sluice.gateway.listen.ListenProperties;
import io.sluice.gateway.permission.PermissionConfiguration;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.presence.PresenceHandler;
import io.sluice.gateway.presence.PresenceProperties;
import io.sluice.gateway.presence.PresenceRelay;
import io.sluice.gateway.record.RecordHandler;
import io.sluice.gateway.record.RecordNotifier;
import io.sluice.gateway.rpc.RpcHandler;
import io.sluice.gateway.rpc.RpcProperties;
import io.sluice.gateway.rpc.RpcRelay;
import io.sluice.gateway.session.GatewayProperties;
import io.sluice.gateway.session.GatewayRoute;
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
@Import({ AuthConfiguration.class, PermissionConfiguration.class, HttpConfiguration.class,
		DeepstreamHttpConfiguration.class, RestConfiguration.class })
@EnableConfigurationProperties({ GatewayProperties.class, RpcProperties.class, PresenceProperties.class,
		ListenProperties.class })
public final class GatewayAutoConfiguration {

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

	@Bean
	@ConditionalOnMissingBean
	EventHandler gatewayEventHandler(MessageBus bus, ListenProperties listen) {
		return new EventHandler(bus, listen, Schedulers.parallel());
	}

	@Bean
	EventRelay gatewayEventRelay(EventHandler handler) {
		return handler.relay();
	}

	@Bean
	@ConditionalOnMissingBean
	RpcHandler gatewayRpcHandler(MessageBus bus, RpcProperties properties) {
		return new RpcHandler(bus, properties);
	}

	@Bean
	RpcRelay gatewayRpcRelay(RpcHandler handler) {
		return handler.relay();
	}

	@Bean
	@ConditionalOnMissingBean
	PresenceHandler gatewayPresenceHandler(MessageBus bus, PresenceProperties properties) {
		return new PresenceHandler(bus, properties);
	}

	@Bean
	PresenceRelay gatewayPresenceRelay(PresenceHandler handler) {
		return handler.relay();
	}

	@Bean
	GatewayRoute gatewayRoute(GatewayProperties properties, ObjectProvider<TopicHandler> handlers,
			Authenticator authenticator, ObjectProvider<MessageGate> gate) {
		return new GatewayRoute(properties, handlers.orderedStream().toList(), authenticator, gate.getIfAvailable());
	}

}
