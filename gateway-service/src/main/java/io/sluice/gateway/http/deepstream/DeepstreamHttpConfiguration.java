package io.sluice.gateway.http.deepstream;

import java.util.Set;

import reactor.core.scheduler.Scheduler;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.sluice.gateway.http.AdmissionFilter;
import io.sluice.gateway.http.GatewayActions;
import io.sluice.gateway.http.HttpProperties;
import io.sluice.gateway.http.HttpLogins;
import io.sluice.gateway.http.HttpTokens;
import io.sluice.gateway.http.InFlightLimit;
import io.sluice.gateway.session.GatewayProperties;
import io.sluice.record.RecordService;

/**
 * deepstream's HTTP endpoint on the gateway's port ({@code sluice.http.path}, and {@code sluice.http.auth-path} when
 * {@code sluice.http.enable-auth-endpoint}), unless {@code sluice.http.enabled} is false. Imported by the gateway's
 * auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HttpProperties.class)
@ConditionalOnProperty(name = "sluice.http.enabled", havingValue = "true", matchIfMissing = true)
public class DeepstreamHttpConfiguration {

	@Bean
	RouterFunction<ServerResponse> deepstreamHttpRoutes(HttpProperties http, GatewayProperties gateway,
			HttpLogins logins, HttpTokens tokens, GatewayActions actions, RecordService records) {
		JifBatch batch = new JifBatch(new JifCommands(actions, records), http.requestTimeout());
		DeepstreamHttpEndpoint endpoint = new DeepstreamHttpEndpoint(logins, tokens, batch,
				http.allowAuthData(), (int) gateway.maxMessageSize().toBytes());
		RouterFunctions.Builder routes = RouterFunctions.route()
			.POST(http.path(), endpoint::post)
			.GET(http.path(), endpoint::get);
		if (http.enableAuthEndpoint()) {
			routes.POST(http.authPath(), endpoint::auth);
		}
		else if (http.authPath().startsWith(http.path())) {
			// deepstream matches paths by prefix: without its auth endpoint, the auth path is the batch endpoint's
			routes.POST(http.authPath(), endpoint::post);
		}
		return routes.build();
	}

	/** The gateway's limit of requests in progress, for the paths above (all of them, as deepstream's endpoint). */
	@Bean
	AdmissionFilter deepstreamHttpAdmission(InFlightLimit limit, Scheduler httpScheduler, HttpProperties http) {
		return DeepstreamHttpEndpoint.admission(limit, httpScheduler, Set.of(http.path(), http.authPath()));
	}

}
