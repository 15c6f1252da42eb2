package io.sluice.gateway.http.rest;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.sluice.gateway.http.AdmissionFilter;
import io.sluice.gateway.http.InFlightLimit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST resources under the gateway's limit of requests in progress: one over it is refused at once with a
 * {@code too-many-requests} problem and {@code Retry-After}; one is admitted again once another ended. The limit is
 * the gateway's, so requests to deepstream's endpoint count against it too.
 */
class RestAdmissionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final InFlightLimit limit = new InFlightLimit(1);

	private final AdmissionFilter admission = new RestConfiguration().restAdmission(this.limit,
			Schedulers.immediate());

	@Test
	void aRequestOverTheLimitIsATooManyRequestsProblemAndOneIsAdmittedAgainWhenTheOtherEnds() {
		Sinks.Empty<Void> first = Sinks.empty();
		StepVerifier.create(this.admission.filter(put("/api/v1/records/a"), (exchange) -> first.asMono()))
			.then(() -> {
				MockServerWebExchange refused = put("/api/v1/records/b");
				StepVerifier.create(this.admission.filter(refused, answered())).expectComplete().verify(TIMEOUT);
				assertTooManyRequests(refused);
				first.tryEmitEmpty();
			})
			.expectComplete()
			.verify(TIMEOUT);

		MockServerWebExchange admitted = put("/api/v1/records/b");
		StepVerifier.create(this.admission.filter(admitted, answered())).expectComplete().verify(TIMEOUT);
		assertThat(admitted.getResponse().getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
		assertThat(this.limit.inFlight()).isZero();
	}

	@Test
	void aRequestToDeepstreamsEndpointInProgressCountsAgainstTheSameLimit() {
		AdmissionFilter deepstream = new AdmissionFilter(this.limit, Schedulers.immediate(), (request) -> Set.of("/api")
			.contains(request.getPath().value()), "application/json", new byte[0], new HttpHeaders());
		Sinks.Empty<Void> batch = Sinks.empty();
		StepVerifier.create(deepstream.filter(put("/api"), (exchange) -> batch.asMono()))
			.then(() -> {
				MockServerWebExchange refused = put("/api/v1/events/e");
				StepVerifier.create(this.admission.filter(refused, answered())).expectComplete().verify(TIMEOUT);
				assertTooManyRequests(refused);
				batch.tryEmitEmpty();
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aFailedRequestNoLongerCounts() {
		StepVerifier.create(this.admission.filter(put("/api/v1/records/a"),
				(exchange) -> Mono.error(new IllegalStateException("failed"))))
			.expectError(IllegalStateException.class)
			.verify(TIMEOUT);
		assertThat(this.limit.inFlight()).isZero();
	}

	private static void assertTooManyRequests(MockServerWebExchange refused) {
		assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(refused.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(refused.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		StepVerifier.create(refused.getResponse().getBodyAsString()).assertNext((body) -> {
			JsonNode problem = RestJson.JSON.readTree(body);
			assertThat(problem.path("type").asString()).isEqualTo("https://sluice.io/problems/too-many-requests");
			assertThat(problem.path("title").asString()).isEqualTo("Too many requests");
			assertThat(problem.path("status").asInt()).isEqualTo(429);
			assertThat(problem.path("code").asString()).isEqualTo("TOO_MANY_REQUESTS");
			assertThat(problem.path("detail").asString()).contains("1 HTTP requests in progress");
		}).expectComplete().verify(TIMEOUT);
	}

	private static WebFilterChain answered() {
		return (exchange) -> {
			exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
			return exchange.getResponse().setComplete();
		};
	}

	private static MockServerWebExchange put(String path) {
		return MockServerWebExchange.from(MockServerHttpRequest.put(path).contentType(MediaType.APPLICATION_JSON)
			.body("{\"a\":1}"));
	}

}
