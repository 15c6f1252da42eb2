package io.sluice.gateway.http.rest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.http.Caller;
import io.sluice.gateway.http.GatewayActions;
import io.sluice.gateway.http.Outcome;
import io.sluice.gateway.http.RecordTimeToLive;
import io.sluice.gateway.protocol.JsonText;

/**
 * Many records in one request, each answered on its own (a failure is that record's entry, never the whole batch's),
 * in the order asked. The records are read or written a bounded number at a time, and the answer is streamed as the
 * entries are ready, so a batch holds no more than that many records at once however many it names.
 */
@RestController
@Tag(name = "records")
final class BatchResource {

	/** The most names one batch may hold. */
	static final int MAX_NAMES = 10_000;

	/**
	 * Records read or written at once for one batch: enough to hide the record service's latency, few enough that
	 * one batch does not crowd out the other requests.
	 */
	static final int CONCURRENCY = 32;

	private final RestSupport rest;

	private final GatewayActions actions;

	BatchResource(RestSupport rest, GatewayActions actions) {
		this.rest = rest;
		this.actions = actions;
	}

	@PostMapping(path = "/api/v1/records:batchGet", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Read up to 10,000 records: {\"names\": [...]} gives {\"records\": [{name, version, data} or "
			+ "{name, error}, ...]} in the same order",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(implementation = BatchGet.class))))
	Mono<ResponseEntity<Flux<DataBuffer>>> batchGet(ServerHttpRequest request) {
		return this.rest.caller(request)
			.flatMap((caller) -> this.rest.bodies().required(request, JsonBodies.JSON).map((body) -> {
				List<String> names = names(body.tree());
				return answer(Flux.fromIterable(names)
					.flatMapSequential((name) -> entry(name, (checked) -> read(caller, checked)), CONCURRENCY));
			}));
	}

	@PostMapping(path = "/api/v1/records:batchSet", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Write up to 10,000 records: {\"records\": [{name, data, ifMatch?, ttl?}, ...]} gives "
			+ "{\"records\": [{name, version} or {name, error}, ...]} in the same order",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(implementation = BatchSet.class))))
	Mono<ResponseEntity<Flux<DataBuffer>>> batchSet(ServerHttpRequest request) {
		return this.rest.caller(request)
			.flatMap((caller) -> this.rest.bodies().required(request, JsonBodies.JSON).map((body) -> {
				List<JsonNode> writes = writes(body.tree());
				return answer(Flux.fromIterable(writes).flatMapSequential(
						(write) -> entry(write.path("name").asString(), (checked) -> write(caller, checked, write)),
						CONCURRENCY));
			}));
	}

	private Mono<byte[]> read(Caller caller, String name) {
		return Outcomes.done(this.actions.read(caller, name)).map((done) -> {
			VersionedRecord record = (VersionedRecord) done.value();
			return concat(prefix(name), ",\"version\":" + record.version() + ",\"data\":", record.data(), "}");
		});
	}

	private Mono<byte[]> write(Caller caller, String name, JsonNode write) {
		JsonNode data = write.get("data");
		JsonNode ifMatch = write.get("ifMatch");
		JsonNode ttl = write.get("ttl");
		if (data == null || !(data.isObject() || data.isArray())) {
			return Mono.error(new RestProblemException(RestProblem.INVALID_MESSAGE_DATA,
					"Record '" + name + "' needs its data, a JSON object or array"));
		}
		if (ifMatch != null && !(ifMatch.isIntegralNumber() && ifMatch.canConvertToLong() && ifMatch.asLong() >= 0)) {
			return Mono.error(new RestProblemException(RestProblem.INVALID_REQUEST,
					"ifMatch of record '" + name + "' must be a version, a whole number from 0"));
		}
		if (ttl != null && !ttl.isString()) {
			return Mono.error(new RestProblemException(RestProblem.INVALID_REQUEST, "ttl of record '" + name
					+ "' must be " + RecordTimeToLive.FORMAT + ", as a string; was " + ttl));
		}
		Duration timeToLive = RecordTtl.parse((ttl != null) ? ttl.asString() : null, "ttl of record '" + name + "'");
		Long version = (ifMatch != null) ? ifMatch.asLong() + 1 : null;
		return this.actions.write(caller, name, version, null, RestJson.bytes(data), timeToLive).flatMap((outcome) -> {
			if (outcome instanceof Outcome.Failed failed) {
				return this.rest.<byte[]>refusedWrite(caller, name, failed);
			}
			long written = ((VersionedRecord) ((Outcome.Done) outcome).value()).version();
			return Mono.just(concat(prefix(name), ",\"version\":" + written + "}"));
		});
	}

	/** One entry: what {@code act} gives for a good name, else the problem, as {@code {"name", "error"}}. */
	private Mono<byte[]> entry(String name, Function<String, Mono<byte[]>> act) {
		return Mono.fromSupplier(() -> this.rest.names().check(name))
			.flatMap(act)
			.onErrorResume(RestProblemException.class,
					(ex) -> Mono.just(concat(prefix(name), ",\"error\":", RestJson.bytes(ex.asMap()), "}")));
	}

	private static ResponseEntity<Flux<DataBuffer>> answer(Flux<byte[]> entries) {
		Flux<byte[]> body = Flux.concat(Mono.just(bytes("{\"records\":[")),
				entries.index().map((entry) -> (entry.getT1() == 0) ? entry.getT2() : concat(",", entry.getT2())),
				Mono.just(bytes("]}")));
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.body(body.map(DefaultDataBufferFactory.sharedInstance::wrap));
	}

	private static List<String> names(JsonNode body) {
		JsonNode names = body.get("names");
		if (!body.isObject() || names == null || !names.isArray()) {
			throw new RestProblemException(RestProblem.INVALID_REQUEST, "A batchGet body is {\"names\": [\"a\", ...]}");
		}
		checkSize(names.size());
		List<String> list = new ArrayList<>(names.size());
		for (JsonNode name : names) {
			if (!name.isString()) {
				throw new RestProblemException(RestProblem.INVALID_REQUEST, "Every name must be a string, not " + name);
			}
			list.add(name.asString());
		}
		return list;
	}

	private static List<JsonNode> writes(JsonNode body) {
		JsonNode records = body.get("records");
		if (!body.isObject() || records == null || !records.isArray()) {
			throw new RestProblemException(RestProblem.INVALID_REQUEST,
					"A batchSet body is {\"records\": [{\"name\": \"a\", \"data\": {...}, \"ifMatch\": 3}, ...]}");
		}
		checkSize(records.size());
		List<JsonNode> list = new ArrayList<>(records.size());
		for (JsonNode record : records) {
			if (!record.isObject() || !record.path("name").isString()) {
				throw new RestProblemException(RestProblem.INVALID_REQUEST,
						"Every record of a batchSet is an object with a string name, not " + record);
			}
			list.add(record);
		}
		return list;
	}

	private static void checkSize(int size) {
		if (size > MAX_NAMES) {
			throw new RestProblemException(RestProblem.INVALID_REQUEST,
					"A batch holds at most " + MAX_NAMES + " records, this one " + size);
		}
	}

	private static byte[] prefix(String name) {
		return concat("{\"name\":", JsonText.quote(name));
	}

	private static byte[] concat(Object... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Object part : parts) {
			out.writeBytes((part instanceof byte[] bytes) ? bytes : bytes((String) part));
		}
		return out.toByteArray();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** The body of a batchGet, for the OpenAPI document. @param names the records to read */
	record BatchGet(List<String> names) {
	}

	/** The body of a batchSet, for the OpenAPI document. @param records the records to write */
	record BatchSet(List<Write> records) {

		/**
		 * One write. @param name the record @param data its whole data @param ifMatch the version it must be at (as
		 * If-Match), or none to write on top of whatever is there @param ttl how long after this write the record
		 * expires (30s, 15m, 2h, 7d or PT30S), or none for the name's rule (sluice.records.ttl), or never
		 */
		record Write(String name, Object data, Long ifMatch, String ttl) {
		}

	}

}
