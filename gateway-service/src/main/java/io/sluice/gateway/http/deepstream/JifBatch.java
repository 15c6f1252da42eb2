package io.sluice.gateway.http.deepstream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.sluice.gateway.http.Caller;

/**
 * Runs the commands of one request, one after the other (each takes effect before the next starts), and answers
 * {@code {result, body}}: {@code SUCCESS} when every command succeeded, {@code FAILURE} when none did, else
 * {@code PARTIAL_SUCCESS}, and each command's result in {@code body}. When the request's timeout passes first, the
 * unfinished commands are cancelled and fail with deepstream's {@code HTTP_REQUEST_TIMEOUT}.
 */
final class JifBatch {

	private final JifCommands commands;

	private final Duration timeout;

	JifBatch(JifCommands commands, Duration timeout) {
		this.commands = commands;
		this.timeout = timeout;
	}

	Mono<ObjectNode> run(Caller caller, List<JifCommand> batch) {
		// written by whichever thread finishes a command, read once the batch ended or timed out
		AtomicReferenceArray<ObjectNode> results = new AtomicReferenceArray<>(batch.size());
		return Flux.range(0, batch.size())
			.concatMap((index) -> this.commands.run(caller, batch.get(index))
				.doOnNext((result) -> results.set(index, result)), 1)
			.then()
			.timeout(this.timeout, Mono.empty())
			.then(Mono.fromSupplier(() -> response(results)));
	}

	private static ObjectNode response(AtomicReferenceArray<ObjectNode> results) {
		ArrayNode body = JsonNodeFactory.instance.arrayNode(results.length());
		int succeeded = 0;
		for (int i = 0; i < results.length(); i++) {
			ObjectNode result = results.get(i);
			if (result == null) {
				result = JifResults.timedOut();
			}
			if (result.path("success").asBoolean(false)) {
				succeeded++;
			}
			body.add(result);
		}
		String outcome = (succeeded == results.length()) ? "SUCCESS" : (succeeded == 0) ? "FAILURE" : "PARTIAL_SUCCESS";
		ObjectNode response = JsonNodeFactory.instance.objectNode().put("result", outcome);
		response.set("body", body);
		return response;
	}

}
