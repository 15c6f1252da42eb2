package io.sluice.gateway.http.rest;

import java.util.function.BiFunction;

import reactor.core.publisher.Mono;

import org.springframework.http.server.reactive.ServerHttpRequest;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.http.Caller;
import io.sluice.gateway.http.GatewayActions;
import io.sluice.gateway.http.Outcome;

/** What every resource does first (check the name, find the caller) and how a write that was refused is told. */
final class RestSupport {

	private final RestCallers callers;

	private final JsonBodies bodies;

	private final RestNames names;

	private final GatewayActions actions;

	RestSupport(RestCallers callers, JsonBodies bodies, RestNames names, GatewayActions actions) {
		this.callers = callers;
		this.bodies = bodies;
		this.names = names;
		this.actions = actions;
	}

	JsonBodies bodies() {
		return this.bodies;
	}

	RestNames names() {
		return this.names;
	}

	/** The caller of a request. */
	Mono<Caller> caller(ServerHttpRequest request) {
		return this.callers.caller(request);
	}

	/** {@code act} for the caller on the name a {@code {*name}} path variable captured, once both are good. */
	<T> Mono<T> as(ServerHttpRequest request, String capturedName, BiFunction<Caller, String, Mono<T>> act) {
		return Mono.fromSupplier(() -> this.names.fromPath(capturedName))
			.flatMap((name) -> this.callers.caller(request).flatMap((caller) -> act.apply(caller, name)));
	}

	/**
	 * A refused write as its problem. A write at a version beyond the next one knows nothing of the record, so the
	 * record is read to tell the caller what it is now, as VERSION_EXISTS does.
	 */
	<T> Mono<T> refusedWrite(Caller caller, String name, Outcome.Failed failed) {
		if (failed.kind() != Outcome.Kind.INVALID_VERSION) {
			return Mono.error(RestProblemException.of(failed));
		}
		return this.actions.read(caller, name).flatMap((outcome) -> Mono.error(new RestProblemException(
				RestProblem.INVALID_VERSION, failed.message(),
				(outcome instanceof Outcome.Done done) ? (VersionedRecord) done.value() : null)));
	}

	/** If-Match named a version that is not the record's. */
	static RestProblemException preconditionFailed(String name, long ifMatch, VersionedRecord current) {
		if (current == null) {
			return new RestProblemException(RestProblem.INVALID_VERSION,
					"Record '" + name + "' does not exist, so it is not at version " + ifMatch + " (If-Match)");
		}
		RestProblem problem = (ifMatch < current.version()) ? RestProblem.VERSION_EXISTS : RestProblem.INVALID_VERSION;
		return new RestProblemException(problem, "Record '" + name + "' is at version " + current.version()
				+ ", not " + ifMatch + " (If-Match)", current);
	}

}
