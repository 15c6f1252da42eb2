package io.sluice.gateway.http.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import org.springdoc.core.customizers.OpenApiCustomizer;
import reactor.core.scheduler.Scheduler;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.sluice.gateway.http.AdmissionFilter;
import io.sluice.gateway.http.GatewayActions;
import io.sluice.gateway.http.HttpLogins;
import io.sluice.gateway.http.HttpTokens;
import io.sluice.gateway.http.InFlightLimit;
import io.sluice.gateway.session.GatewayProperties;

/**
 * The REST resources under {@code /api/v1}, unless {@code sluice.http.enabled} is false, and their OpenAPI document
 * ({@link RestDocsDefaults} says where). Imported by the gateway's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "sluice.http.enabled", havingValue = "true", matchIfMissing = true)
public class RestConfiguration {

	/** Where the resources are. */
	static final String PREFIX = "/api/v1/";

	@Bean
	RestSupport restSupport(GatewayProperties gateway, HttpTokens tokens, HttpLogins logins,
			GatewayActions actions) {
		return new RestSupport(new RestCallers(tokens, logins),
				new JsonBodies((int) gateway.maxMessageSize().toBytes(), gateway.maxJsonDepth()),
				new RestNames(gateway.maxNameLength()), actions);
	}

	@Bean
	RecordResource restRecordResource(RestSupport rest, GatewayActions actions) {
		return new RecordResource(rest, actions);
	}

	@Bean
	BatchResource restBatchResource(RestSupport rest, GatewayActions actions) {
		return new BatchResource(rest, actions);
	}

	@Bean
	EventResource restEventResource(RestSupport rest, GatewayActions actions) {
		return new EventResource(rest, actions);
	}

	@Bean
	RpcResource restRpcResource(RestSupport rest, GatewayActions actions) {
		return new RpcResource(rest, actions);
	}

	@Bean
	PresenceResource restPresenceResource(RestSupport rest, GatewayActions actions) {
		return new PresenceResource(rest, actions);
	}

	/** The gateway's limit of requests in progress, for every path under {@code /api/v1/}. */
	@Bean
	AdmissionFilter restAdmission(InFlightLimit limit, Scheduler httpScheduler) {
		byte[] problem = RestJson
			.bytes(new RestProblemException(RestProblem.TOO_MANY_REQUESTS, limit.reason()).asMap());
		return new AdmissionFilter(limit, httpScheduler, (request) -> request.getPath().pathWithinApplication().value()
			.startsWith(PREFIX), MediaType.APPLICATION_PROBLEM_JSON_VALUE, problem, new HttpHeaders());
	}

	@Bean
	static LazyApiDocs lazyApiDocs() {
		return new LazyApiDocs();
	}

	@Bean
	RouterFunction<ServerResponse> restDocsUi(Environment environment) {
		return ApiDocsUi.routes(environment);
	}

	@Bean
	RestProblems restProblems() {
		return new RestProblems();
	}

	@Bean
	@Lazy
	@ConditionalOnMissingBean
	OpenAPI sluiceOpenApi() {
		return new OpenAPI().info(new Info().title("Sluice REST API")
			.version("v1")
			.description("Records, events, RPC and presence over HTTP: the same actions, effects and permission rules "
					+ "as a deepstream client's. Errors are RFC 9457 problems."));
	}

	/** A name may hold '/', so the resources capture the rest of the path ({*name}); OpenAPI says that {name}. */
	@Bean
	OpenApiCustomizer sluiceCatchAllPaths() {
		return (openApi) -> {
			if (openApi.getPaths() == null) {
				return;
			}
			Map<String, PathItem> renamed = new LinkedHashMap<>();
			openApi.getPaths().forEach((path, item) -> renamed.put(path.replace("{*", "{"), item));
			Paths paths = new Paths();
			paths.putAll(renamed);
			openApi.setPaths(paths);
		};
	}

}
