package io.sluice.storage;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import reactor.core.scheduler.Schedulers;

/** Builds the circuit breaker around store writes from {@code sluice.worker.breaker.*}. */
final class StoreBreaker {

	static final String NAME = "sluice-storage-worker-store";

	private StoreBreaker() {
	}

	static CircuitBreaker create(StorageWorkerProperties.Breaker settings) {
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.slidingWindowType(SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(settings.slidingWindow())
			.minimumNumberOfCalls(settings.minimumCalls())
			.failureRateThreshold(settings.failureRateThreshold())
			.waitDurationInOpenState(settings.openWait())
			.permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
			// Open to half-open on the first write after the wait: no timer thread of the breaker's own.
			.automaticTransitionFromOpenToHalfOpenEnabled(false)
			.clock(new ReactorClock())
			.build();
		return CircuitBreaker.of(NAME, config);
	}

	/**
	 * The time of Reactor's parallel scheduler, which the retry's backoff waits on too: the wall clock normally,
	 * the virtual clock in a test under {@code StepVerifier.withVirtualTime}, so the open wait and the backoff
	 * run on one time.
	 */
	private static final class ReactorClock extends Clock {

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			if (!ZoneOffset.UTC.equals(zone)) {
				throw new UnsupportedOperationException("Reactor's clock is kept in UTC, not " + zone);
			}
			return this;
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
		}

	}

}
