package io.sluice.gateway.http;

import java.time.Clock;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.gateway.auth.Authenticator;
import io.sluice.gateway.event.EventHandler;
import io.sluice.gateway.history.HistoryProcedure;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.presence.PresenceHandler;
import io.sluice.gateway.rpc.RpcHandler;
import io.sluice.gateway.session.RefusedLogins;
import io.sluice.record.RecordService;

/**
 * The HTTP API, unless {@code sluice.http.enabled} is false: what its endpoints share (the actions they take for a
 * caller, the tokens they give out and take back). Imported by the gateway's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpProperties.class)
@ConditionalOnProperty(name = "sluice.http.enabled", havingValue = "true", matchIfMissing = true)
public class HttpConfiguration {

	@Bean
	GatewayActions gatewayActions(RecordService records, EventHandler events, RpcHandler rpc,
			PresenceHandler presence, ObjectProvider<Permissions> permissions,
			ObjectProvider<HistoryProcedure> history) {
		return new GatewayActions(records, events, rpc, presence, permissions.getIfAvailable(),
				history.getIfAvailable());
	}

	@Bean
	InFlightLimit httpInFlightLimit(HttpProperties properties) {
		return new InFlightLimit(properties.maxInFlight());
	}

	/**
	 * The threads the HTTP API's requests are worked on, off the event loops ({@link AdmissionFilter}): as many as
	 * there are processors, since the work is computation, and at most {@code max-in-flight} requests wait for them.
	 */
	@Bean(destroyMethod = "dispose")
	Scheduler httpScheduler() {
		return Schedulers.newParallel("sluice-http", Runtime.getRuntime().availableProcessors(), true);
	}

	@Bean
	HttpLogins httpLogins(Authenticator authenticator, RefusedLogins refusedLogins) {
		return new HttpLogins(authenticator, refusedLogins);
	}

	@Bean
	HttpTokens httpTokens(HttpProperties properties) {
		return new HttpTokens(properties, Clock.systemUTC());
	}

}
