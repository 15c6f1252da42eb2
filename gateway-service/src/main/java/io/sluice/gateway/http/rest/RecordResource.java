package io.sluice.gateway.http.rest;

import java.time.Duration;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.http.Caller;
import io.sluice.gateway.http.GatewayActions;
import io.sluice.gateway.http.Outcome;

/**
 * A record as an HTTP resource: its data is the representation and its version the entity tag. A write names the
 * version it makes (the {@code If-Match} version + 1), as a client's does, so a stale one fails with the current
 * version and data (412); without {@code If-Match} it is written on top of whatever is there.
 */
@RestController
@Tag(name = "records", description = "Records: JSON documents with a version")
final class RecordResource {

	static final String PATH = "/api/v1/records/{*name}";

	static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");

	/** How often a merge patch without If-Match is tried again when another write came between its read and write. */
	private static final int MERGE_ATTEMPTS = 5;

	private final RestSupport rest;

	private final GatewayActions actions;

	RecordResource(RestSupport rest, GatewayActions actions) {
		this.rest = rest;
		this.actions = actions;
	}

	@GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Read a record's data; its version is the ETag",
			responses = { @ApiResponse(responseCode = "200", description = "The data"),
					@ApiResponse(responseCode = "304", description = "If-None-Match names the current version"),
					@ApiResponse(responseCode = "404", description = "No such record") })
	Mono<ResponseEntity<byte[]>> get(@PathVariable @Parameter(description = "The record's name; may hold '/'") String name,
			ServerHttpRequest request) {
		String ifNoneMatch = request.getHeaders().getFirst(HttpHeaders.IF_NONE_MATCH);
		return this.rest.as(request, name, (caller, recordName) -> Outcomes.done(this.actions.read(caller, recordName))
			.map((done) -> {
				VersionedRecord record = (VersionedRecord) done.value();
				if (ETags.noneMatchHits(ifNoneMatch, record.version())) {
					return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(ETags.of(record.version())).build();
				}
				return ResponseEntity.ok()
					.eTag(ETags.of(record.version()))
					.contentType(MediaType.APPLICATION_JSON)
					.body(record.data());
			}));
	}

	@RequestMapping(path = PATH, method = RequestMethod.HEAD)
	@Operation(summary = "A record's version alone, as the ETag",
			responses = { @ApiResponse(responseCode = "200", description = "The record exists"),
					@ApiResponse(responseCode = "404", description = "No such record") })
	Mono<ResponseEntity<Void>> head(@PathVariable String name, ServerHttpRequest request) {
		String ifNoneMatch = request.getHeaders().getFirst(HttpHeaders.IF_NONE_MATCH);
		return this.rest.as(request, name, (caller, recordName) -> Outcomes.done(this.actions.head(caller, recordName))
			.map((done) -> {
				long version = (Long) done.value();
				HttpStatus status = ETags.noneMatchHits(ifNoneMatch, version) ? HttpStatus.NOT_MODIFIED : HttpStatus.OK;
				return ResponseEntity.status(status).eTag(ETags.of(version)).<Void>build();
			}));
	}

	@PutMapping(path = PATH)
	@Operation(summary = "Write a record's whole data (a JSON object or array); If-Match makes it conditional",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(types = { "object", "array" }))),
			responses = { @ApiResponse(responseCode = "204", description = "Written; the ETag is the new version"),
					@ApiResponse(responseCode = "412", description = "If-Match is not the current version") })
	Mono<ResponseEntity<Void>> put(@PathVariable String name,
			@RequestParam(name = RecordTtl.PARAMETER, required = false) @Parameter(description = RecordTtl.DESCRIPTION) String ttl,
			ServerHttpRequest request) {
		Long ifMatch = ETags.ifMatch(request.getHeaders().getFirst(HttpHeaders.IF_MATCH));
		Duration timeToLive = RecordTtl.parse(ttl);
		return this.rest.as(request, name, (caller, recordName) -> this.rest.bodies()
			.required(request, JsonBodies.JSON)
			.flatMap((body) -> written(caller, recordName, ifMatch, null, body.bytes(), timeToLive))
			.map((record) -> ResponseEntity.noContent().eTag(ETags.of(record.version())).<Void>build()));
	}

	@PatchMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Change part of a record: a JSON Merge Patch (application/merge-patch+json) or "
			+ "{\"path\": \"a.b[2]\", \"value\": ...} (application/json); If-Match makes it conditional",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = { @Content(mediaType = "application/merge-patch+json", schema = @Schema(type = "object")),
							@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
									schema = @Schema(implementation = PathPatch.class)) }),
			responses = { @ApiResponse(responseCode = "200", description = "The data as written; the ETag is its version"),
					@ApiResponse(responseCode = "412", description = "If-Match is not the current version") })
	Mono<ResponseEntity<byte[]>> patch(@PathVariable String name,
			@RequestParam(name = RecordTtl.PARAMETER, required = false) @Parameter(description = RecordTtl.DESCRIPTION) String ttl,
			ServerHttpRequest request) {
		Long ifMatch = ETags.ifMatch(request.getHeaders().getFirst(HttpHeaders.IF_MATCH));
		Duration timeToLive = RecordTtl.parse(ttl);
		return this.rest.as(request, name, (caller, recordName) -> this.rest.bodies()
			.required(request, List.of(MERGE_PATCH, MediaType.APPLICATION_JSON))
			.flatMap((body) -> MERGE_PATCH.includes(request.getHeaders().getContentType())
					? merged(caller, recordName, ifMatch, body.tree(), timeToLive, MERGE_ATTEMPTS)
					: written(caller, recordName, ifMatch, PathPatch.path(body.tree()),
							RestJson.bytes(PathPatch.value(body.tree())), timeToLive))
			.map((record) -> ResponseEntity.ok()
				.eTag(ETags.of(record.version()))
				.contentType(MediaType.APPLICATION_JSON)
				.body(record.data())));
	}

	@DeleteMapping(path = PATH)
	@Operation(summary = "Delete a record (one that does not exist is deleted already)",
			responses = @ApiResponse(responseCode = "204", description = "Deleted"))
	Mono<ResponseEntity<Void>> delete(@PathVariable String name, ServerHttpRequest request) {
		return this.rest.as(request, name, (caller, recordName) -> Outcomes
			.done(this.actions.delete(caller, recordName))
			.thenReturn(ResponseEntity.noContent().<Void>build()));
	}

	/** Writes the whole data or the value at a path, as the version after {@code ifMatch} (or forced). */
	private Mono<VersionedRecord> written(Caller caller, String name, Long ifMatch, String path, byte[] data,
			Duration ttl) {
		Long version = (ifMatch != null) ? ifMatch + 1 : null;
		return this.actions.write(caller, name, version, path, data, ttl).flatMap((outcome) -> {
			if (outcome instanceof Outcome.Failed failed) {
				return this.rest.refusedWrite(caller, name, failed);
			}
			return Mono.just((VersionedRecord) ((Outcome.Done) outcome).value());
		});
	}

	/** Applies a merge patch to the record as read, written as the next version: tried again if that was taken. */
	private Mono<VersionedRecord> merged(Caller caller, String name, Long ifMatch, JsonNode patch, Duration ttl,
			int attempts) {
		return this.actions.read(caller, name).flatMap((outcome) -> {
			VersionedRecord current = (outcome instanceof Outcome.Done done) ? (VersionedRecord) done.value() : null;
			if (current == null && ((Outcome.Failed) outcome).kind() != Outcome.Kind.RECORD_NOT_FOUND) {
				return Mono.error(RestProblemException.of((Outcome.Failed) outcome));
			}
			if (ifMatch != null && (current == null || current.version() != ifMatch)) {
				return Mono.error(RestSupport.preconditionFailed(name, ifMatch, current));
			}
			byte[] data = RestJson.bytes(MergePatch.apply((current != null) ? RestJson.tree(current.data()) : null,
					patch));
			// A record that does not exist (never written, or deleted) is created on top of whatever version it had.
			Long version = (current != null) ? current.version() + 1 : null;
			return this.actions.write(caller, name, version, null, data, ttl).flatMap((written) -> {
				if (written instanceof Outcome.Failed failed) {
					if (ifMatch == null && failed.kind() == Outcome.Kind.VERSION_EXISTS && attempts > 1) {
						return merged(caller, name, null, patch, ttl, attempts - 1);
					}
					return this.rest.refusedWrite(caller, name, failed);
				}
				return Mono.just((VersionedRecord) ((Outcome.Done) written).value());
			});
		});
	}

}
