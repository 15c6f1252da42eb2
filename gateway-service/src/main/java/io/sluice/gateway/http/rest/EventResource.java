package io.sluice.gateway.http.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.sluice.gateway.http.GatewayActions;

/** Publishing an event, as a client's {@code event.emit(name, data)}: every subscriber on every node hears it. */
@RestController
@Tag(name = "events", description = "Events: publish to every subscriber")
final class EventResource {

	private final RestSupport rest;

	private final GatewayActions actions;

	EventResource(RestSupport rest, GatewayActions actions) {
		this.rest = rest;
		this.actions = actions;
	}

	@PostMapping("/api/v1/events/{*name}")
	@Operation(summary = "Publish an event; the body (any JSON, or none) is its data",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false,
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE)),
			responses = @ApiResponse(responseCode = "204", description = "Handed to the subscribers and other nodes"))
	Mono<ResponseEntity<Void>> publish(@PathVariable String name, ServerHttpRequest request) {
		return this.rest.as(request, name, (caller, eventName) -> this.rest.bodies()
			.data(request)
			.flatMap((data) -> Outcomes.done(this.actions.emit(caller, eventName, data.orElse(null))))
			.thenReturn(ResponseEntity.noContent().<Void>build()));
	}

}
