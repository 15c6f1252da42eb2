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

/** Making an RPC, as a client's {@code rpc.make(name, data)}: a provider on any node answers it. */
@RestController
@Tag(name = "rpc", description = "Remote procedure calls to the providers clients offer")
final class RpcResource {

	private final RestSupport rest;

	private final GatewayActions actions;

	RpcResource(RestSupport rest, GatewayActions actions) {
		this.rest = rest;
		this.actions = actions;
	}

	@PostMapping(path = "/api/v1/rpc/{*name}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Make an RPC; the body (any JSON, or none) is its data, the answer the provider's",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false,
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE)),
			responses = { @ApiResponse(responseCode = "200", description = "The provider's answer"),
					@ApiResponse(responseCode = "204", description = "The provider answered without data"),
					@ApiResponse(responseCode = "502", description = "The provider answered with an error"),
					@ApiResponse(responseCode = "503", description = "Nobody provides it"),
					@ApiResponse(responseCode = "504", description = "No provider accepted or answered in time") })
	Mono<ResponseEntity<byte[]>> make(@PathVariable String name, ServerHttpRequest request) {
		return this.rest.as(request, name, (caller, rpcName) -> this.rest.bodies()
			.data(request)
			.flatMap((data) -> Outcomes.done(this.actions.make(caller, rpcName, data.orElse(null))))
			.map((done) -> (done.value() == null) ? ResponseEntity.noContent().<byte[]>build()
					: ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body((byte[]) done.value())));
	}

}
