package io.sluice.gateway.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BoundedWorkTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void noMoreThanTheLimitIsInProgressAndEachEndAsksForMore() {
		List<Sinks.Empty<Void>> works = new ArrayList<>();
		AtomicLong requested = new AtomicLong();
		Flux<Mono<Void>> messages = Flux.range(0, 100).doOnRequest(requested::addAndGet).map((i) -> {
			Sinks.Empty<Void> work = Sinks.empty();
			works.add(work);
			return work.asMono();
		});

		StepVerifier.create(BoundedWork.run(messages, 8)).then(() -> {
			assertThat(works).hasSize(8);
			assertThat(requested.get()).isEqualTo(8);
			// Two ends are fewer than a batch (8 / 4 = 2): asked for together.
			works.get(0).tryEmitEmpty();
			assertThat(works).hasSize(8);
			works.get(1).tryEmitEmpty();
			assertThat(works).hasSize(10);
		}).then(() -> {
			for (int i = 2; i < 100; i++) {
				works.get(i).tryEmitEmpty();
			}
		}).expectComplete().verify(TIMEOUT);

		assertThat(works).hasSize(100);
	}

	@Test
	void completesOnlyWhenTheMessagesAndEveryWorkHaveEnded() {
		Sinks.Empty<Void> slow = Sinks.empty();
		AtomicBoolean done = new AtomicBoolean();

		StepVerifier.create(BoundedWork.run(Flux.just(Mono.<Void>empty(), slow.asMono(), Mono.<Void>empty()), 4)
			.doOnSuccess((ignored) -> done.set(true)))
			.then(() -> assertThat(done).isFalse())
			.then(slow::tryEmitEmpty)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void worksThatEndAtOnceNeverStallTheMessages() {
		Flux<Mono<Void>> messages = Flux.range(0, 100_000).map((i) -> (i % 3 == 0) ? Mono.<Void>empty() : Mono.<Void>fromRunnable(() -> {
		}));

		StepVerifier.create(BoundedWork.run(messages, 5)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void worksThatEndAtOnceFlowPastWorksStillInProgress() {
		List<Sinks.Empty<Void>> held = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			held.add(Sinks.empty());
		}
		AtomicInteger read = new AtomicInteger();
		Flux<Mono<Void>> messages = Flux.range(0, 1005)
			.doOnNext((i) -> read.incrementAndGet())
			.map((i) -> (i < 5) ? held.get(i).asMono() : Mono.<Void>empty());

		StepVerifier.create(BoundedWork.run(messages, 8))
			.then(() -> assertThat(read).as("every message read while five of eight are in progress").hasValue(1005))
			.expectNoEvent(Duration.ofMillis(50))
			.then(() -> held.forEach(Sinks.Empty::tryEmitEmpty))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void worksEndingOnOtherThreadsAreAllCountedOnce() {
		Flux<Mono<Void>> messages = Flux.range(0, 20_000)
			.map((i) -> Mono.<Void>empty().delaySubscription(Duration.ZERO, Schedulers.parallel()));

		StepVerifier.create(BoundedWork.run(messages, 64)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void aFailedWorkFailsTheResultAndStopsReading() {
		AtomicBoolean cancelled = new AtomicBoolean();
		Flux<Mono<Void>> messages = Flux.<Mono<Void>>just(Mono.error(new IllegalStateException("work failed")))
			.concatWith(Flux.never())
			.doOnCancel(() -> cancelled.set(true));

		StepVerifier.create(BoundedWork.run(messages, 4))
			.expectErrorMessage("work failed")
			.verify(TIMEOUT);
		assertThat(cancelled).isTrue();
	}

	@Test
	void cancellingTheResultStopsReading() {
		AtomicBoolean cancelled = new AtomicBoolean();
		Flux<Mono<Void>> messages = Flux.<Mono<Void>>never().doOnCancel(() -> cancelled.set(true));

		StepVerifier.create(BoundedWork.run(messages, 4)).thenCancel().verify(TIMEOUT);
		assertThat(cancelled).isTrue();
	}

	@Test
	void aLimitBelowOneIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> BoundedWork.run(Flux.empty(), 0))
			.withMessageContaining("At least one work");
	}

}
