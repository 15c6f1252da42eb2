package io.sluice.gateway.http.deepstream;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import io.sluice.gateway.http.AdmissionFilter;
import io.sluice.gateway.http.InFlightLimit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deepstream's endpoint under the gateway's limit of requests in progress: one over it is refused at once in the
 * endpoint's JSON, with {@code Retry-After}, and a request is admitted again once one in progress has ended.
 */
class DeepstreamAdmissionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final InFlightLimit limit = new InFlightLimit(2);

	private final AdmissionFilter admission = DeepstreamHttpEndpoint.admission(this.limit,
			Schedulers.immediate(), Set.of("/api", "/api/auth"));

	private final AtomicInteger handled = new AtomicInteger();

	@Test
	void aRequestOverTheLimitIsRefusedAndOneIsAdmittedAgainWhenAnotherEnds() {
		Sinks.Empty<Void> first = Sinks.empty();
		Sinks.Empty<Void> second = Sinks.empty();
		StepVerifier.create(Mono.when(this.admission.filter(post("/api"), holdUntil(first)),
				this.admission.filter(post("/api/auth"), holdUntil(second))))
			.then(() -> {
				assertThat(this.limit.inFlight()).isEqualTo(2);
				MockServerWebExchange refused = post("/api");
				StepVerifier.create(this.admission.filter(refused, holdUntil(Sinks.empty()))).verifyComplete();
				assertRefused(refused);
				first.tryEmitEmpty();
			})
			.then(() -> {
				MockServerWebExchange admitted = post("/api");
				StepVerifier.create(this.admission.filter(admitted, answered())).expectComplete().verify(TIMEOUT);
				assertThat(admitted.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
				second.tryEmitEmpty();
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.handled).hasValue(3);
		assertThat(this.limit.inFlight()).isZero();
	}

	@Test
	void aCancelledRequestNoLongerCounts() {
		StepVerifier.create(this.admission.filter(post("/api"), holdUntil(Sinks.empty())))
			.then(() -> assertThat(this.limit.inFlight()).isEqualTo(1))
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(this.limit.inFlight()).isZero();
	}

	@Test
	void otherPathsAreNotCountedNorRefused() {
		InFlightLimit one = new InFlightLimit(1);
		AdmissionFilter filter = DeepstreamHttpEndpoint.admission(one, Schedulers.immediate(), Set.of("/api"));
		StepVerifier.create(filter.filter(post("/api"), holdUntil(Sinks.empty())))
			.then(() -> {
				MockServerWebExchange other = post("/api/v1/events/x");
				StepVerifier.create(filter.filter(other, answered())).expectComplete().verify(TIMEOUT);
				assertThat(other.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
				assertThat(one.inFlight()).isEqualTo(1);
			})
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void anAdmittedRequestAndItsBodyAreWorkedOnByTheApisThreads() {
		Scheduler http = Schedulers.newSingle("test-http");
		try {
			AdmissionFilter filter = DeepstreamHttpEndpoint.admission(this.limit, http, Set.of("/api"));
			StepVerifier.create(filter.filter(post("/api"), (exchange) -> {
				assertThat(Thread.currentThread().getName()).startsWith("test-http");
				return exchange.getRequest().getBody().doOnNext((buffer) ->
						assertThat(Thread.currentThread().getName()).startsWith("test-http")).then();
			})).expectComplete().verify(TIMEOUT);
		}
		finally {
			http.dispose();
		}
	}

	private static void assertRefused(MockServerWebExchange refused) {
		assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		HttpHeaders headers = refused.getResponse().getHeaders();
		assertThat(headers.getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(headers.getFirst(HttpHeaders.CONTENT_TYPE)).isEqualTo("application/json; charset=utf-8");
		assertThat(headers.getFirst("Access-Control-Allow-Origin")).isEqualTo("*");
		StepVerifier.create(refused.getResponse().getBodyAsString()).assertNext((body) -> {
			assertThat(body).endsWith("\r\n\r\n");
			JsonNode json = JsonMapper.builder().build().readTree(body);
			assertThat(json.path("result").asString()).isEqualTo("FAILURE");
			assertThat(json.path("success").asBoolean(true)).isFalse();
			assertThat(json.path("errorTopic").asString()).isEqualTo("connection");
			assertThat(json.path("errorEvent").asString()).isEqualTo("HTTP_TOO_MANY_REQUESTS");
			assertThat(json.path("error").asString()).contains("2 HTTP requests in progress").contains("retry after 1");
		}).expectComplete().verify(TIMEOUT);
	}

	private WebFilterChain holdUntil(Sinks.Empty<Void> done) {
		return (exchange) -> {
			this.handled.incrementAndGet();
			return done.asMono();
		};
	}

	private WebFilterChain answered() {
		return (exchange) -> {
			this.handled.incrementAndGet();
			exchange.getResponse().setStatusCode(HttpStatus.OK);
			return exchange.getResponse().setComplete();
		};
	}

	private static MockServerWebExchange post(String path) {
		return MockServerWebExchange.from(MockServerHttpRequest.post(path).header(HttpHeaders.CONTENT_TYPE,
				"application/json").body("{\"body\":[{\"topic\":\"event\",\"action\":\"emit\",\"eventName\":\"e\"}]}"));
	}

}
