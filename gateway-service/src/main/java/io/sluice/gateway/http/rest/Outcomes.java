package io.sluice.gateway.http.rest;

import reactor.core.publisher.Mono;

import io.sluice.gateway.http.Outcome;

/** Outcomes of actions as the REST resources use them: done goes on, failed becomes its problem. */
final class Outcomes {

	private Outcomes() {
	}

	static Mono<Outcome.Done> done(Mono<Outcome> outcome) {
		return outcome.flatMap((each) -> (each instanceof Outcome.Failed failed)
				? Mono.error(RestProblemException.of(failed)) : Mono.just((Outcome.Done) each));
	}

}
