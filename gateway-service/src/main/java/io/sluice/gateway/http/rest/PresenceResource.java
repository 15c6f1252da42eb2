package io.sluice.gateway.http.rest;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.sluice.gateway.http.GatewayActions;

/** Who is online, cluster-wide, as a client's {@code presence.getAll()}. */
@RestController
@Tag(name = "presence", description = "Who is logged in over WebSocket, on any node")
final class PresenceResource {

	private final RestSupport rest;

	private final GatewayActions actions;

	PresenceResource(RestSupport rest, GatewayActions actions) {
		this.rest = rest;
		this.actions = actions;
	}

	@GetMapping("/api/v1/presence")
	@Operation(summary = "Every user online (but the caller)")
	Mono<Map<String, Object>> everyone(ServerHttpRequest request) {
		return this.rest.caller(request)
			.flatMap((caller) -> Outcomes.done(this.actions.presence(caller, null)))
			.map((done) -> Map.of("users", done.value()));
	}

	@GetMapping("/api/v1/presence/{*user}")
	@Operation(summary = "Whether one user is online")
	Mono<Map<String, Object>> one(@PathVariable String user, ServerHttpRequest request) {
		return this.rest.as(request, user, (caller, userId) -> Outcomes
			.done(this.actions.presence(caller, List.of(userId)))
			.map((done) -> Map.of("user", userId, "online", ((Map<?, ?>) done.value()).get(userId))));
	}

}
