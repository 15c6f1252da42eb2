package io.sluice.gateway.http.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.sluice.gateway.history.HistoryException;
import io.sluice.gateway.history.HistoryQuery;
import io.sluice.gateway.http.GatewayActions;

/**
 * Publishing an event, as a client's {@code event.emit(name, data)}: every subscriber on every node hears it; and
 * reading the history of an event name that keeps one, as the {@code sluice/history} RPC does.
 */
@RestController
@Tag(name = "events", description = "Events: publish to every subscriber, read a name's history")
final class EventResource {

	private static final String HISTORY = "/history";

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

	@GetMapping(path = "/api/v1/events/{*name}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Read an event's history: GET /api/v1/events/{name}/history with one of last, from (and to) "
			+ "or since; needs the permission to subscribe to the name",
			responses = { @ApiResponse(responseCode = "200", description = "{ epoch, entries: [{ offset, time, data }], "
					+ "complete }: the entries found, oldest first, and whether none asked for is missing"),
					@ApiResponse(responseCode = "400", description = "Not one of the query's shapes, or a name that "
							+ "keeps no history"),
					@ApiResponse(responseCode = "403", description = "The caller may not subscribe to the name"),
					@ApiResponse(responseCode = "404", description = "A path that does not end in /history"),
					@ApiResponse(responseCode = "503", description = "The history could not be read") })
	Mono<ResponseEntity<byte[]>> history(
			@Parameter(description = "The event's name followed by /history, such as chat/lobby/history")
			@PathVariable String name,
			@Parameter(description = "The last N events") @RequestParam(required = false) String last,
			@Parameter(description = "The events from this offset on (inclusive)") @RequestParam(required = false)
			String from,
			@Parameter(description = "With from: up to this offset (inclusive)") @RequestParam(required = false)
			String to,
			@Parameter(description = "The events appended at or after this time: an ISO-8601 instant or milliseconds "
					+ "since 1970") @RequestParam(required = false) String since,
			ServerHttpRequest request) {
		if (!name.endsWith(HISTORY)) {
			return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND,
					"An event has nothing to GET but its history: GET /api/v1/events/{name}/history"));
		}
		Map<String, String> parameters = new LinkedHashMap<>();
		putIfGiven(parameters, "last", last);
		putIfGiven(parameters, "from", from);
		putIfGiven(parameters, "to", to);
		putIfGiven(parameters, "since", since);
		return this.rest.as(request, name.substring(0, name.length() - HISTORY.length()),
				(caller, eventName) -> Mono.fromSupplier(() -> HistoryQuery.fromParameters(eventName, parameters))
					.flatMap((query) -> this.actions.history(caller, query))
					.map((page) -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(page.toJson()))
					.onErrorMap(HistoryException.class, EventResource::problem));
	}

	private static void putIfGiven(Map<String, String> parameters, String key, String value) {
		if (value != null) {
			parameters.put(key, value);
		}
	}

	private static RestProblemException problem(HistoryException ex) {
		RestProblem problem = switch (ex.kind()) {
			case INVALID -> RestProblem.INVALID_REQUEST;
			case DENIED -> RestProblem.MESSAGE_DENIED;
			case PERMISSION_ERROR -> RestProblem.MESSAGE_PERMISSION_ERROR;
			case UNAVAILABLE -> RestProblem.HISTORY_READ_ERROR;
		};
		return new RestProblemException(problem, ex.getMessage());
	}

}
