package io.sluice.gateway.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BoundedWorkTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** The source's thread, as a connection's event loop is. */
	private final ExecutorService loop = Executors.newSingleThreadExecutor();

	private final Scheduler onLoop = Schedulers.fromExecutorService(this.loop);

	@AfterEach
	void stopLoop() {
		this.onLoop.dispose();
	}

	@Test
	void noMoreThanTheLimitIsInProgressAndWhatWaitsStartsInOrderAsBatchesEnd() throws Exception {
		List<Sinks.Empty<Void>> works = new CopyOnWriteArrayList<>();
		List<Integer> started = new CopyOnWriteArrayList<>();
		Flux<Mono<Void>> messages = Flux.range(0, 100).map((i) -> {
			Sinks.Empty<Void> work = Sinks.empty();
			works.add(work);
			return work.asMono().doOnSubscribe((subscription) -> started.add(i));
		});
		Works bounded = new Works(messages.subscribeOn(this.onLoop), 8);

		StepVerifier.create(bounded).then(this::settle).then(() -> {
			assertThat(started).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
			assertThat(bounded.pauses).hasValue(1);
			// Two ends are a batch (8 / 4 = 2): what waits starts after the second.
			works.get(0).tryEmitEmpty();
			settle();
			assertThat(started).hasSize(8);
			works.get(1).tryEmitEmpty();
			settle();
			assertThat(started).hasSize(10);
			assertThat(bounded.resumes).hasValue(0);
		}).then(() -> {
			for (int i = 2; i < 100; i++) {
				settle();
				works.get(i).tryEmitEmpty();
			}
		}).expectComplete().verify(TIMEOUT);

		assertThat(started).hasSize(100).isSorted();
		assertThat(bounded.mostInProgress).hasValueLessThanOrEqualTo(8);
		assertThat(bounded.resumes).hasValue(bounded.pauses.get());
	}

	@Test
	void completesOnlyWhenTheSourceAndEveryWorkHaveEnded() {
		Sinks.Empty<Void> slow = Sinks.empty();
		AtomicBoolean done = new AtomicBoolean();

		StepVerifier
			.create(new Works(Flux.just(Mono.<Void>empty(), slow.asMono(), Mono.<Void>empty()), 4)
				.doOnSuccess((ignored) -> done.set(true)))
			.then(() -> assertThat(done).isFalse())
			.then(slow::tryEmitEmpty)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void messagesWaitingWhenTheSourceEndsAreStillRun() {
		Sinks.Empty<Void> first = Sinks.empty();
		AtomicInteger ran = new AtomicInteger();
		Mono<Void> counted = Mono.fromRunnable(ran::incrementAndGet);
		Works bounded = new Works(Flux.just(first.asMono(), counted, counted).subscribeOn(this.onLoop), 1);

		StepVerifier.create(bounded).then(this::settle).then(() -> {
			assertThat(ran).hasValue(0);
			first.tryEmitEmpty();
		}).expectComplete().verify(TIMEOUT);
		assertThat(ran).hasValue(2);
	}

	@Test
	void worksThatEndAtOnceNeverPauseTheSource() {
		Flux<Mono<Void>> messages = Flux.range(0, 100_000)
			.map((i) -> (i % 3 == 0) ? Mono.<Void>empty() : Mono.<Void>fromRunnable(() -> {
			}));
		Works bounded = new Works(messages, 5);

		StepVerifier.create(bounded).expectComplete().verify(TIMEOUT);
		assertThat(bounded.pauses).hasValue(0);
	}

	@Test
	void worksThatEndAtOnceFlowPastWorksStillInProgress() {
		List<Sinks.Empty<Void>> held = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 5; i++) {
			held.add(Sinks.empty());
		}
		AtomicInteger read = new AtomicInteger();
		Flux<Mono<Void>> messages = Flux.range(0, 1005)
			.doOnNext((i) -> read.incrementAndGet())
			.map((i) -> (i < 5) ? held.get(i).asMono() : Mono.<Void>empty());
		Works bounded = new Works(messages, 8);

		StepVerifier.withVirtualTime(() -> bounded)
			.then(() -> assertThat(read).as("every message read while five of eight are in progress").hasValue(1005))
			.expectNoEvent(Duration.ofMillis(50))
			.then(() -> held.forEach(Sinks.Empty::tryEmitEmpty))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(bounded.pauses).hasValue(0);
	}

	@Test
	void worksEndingOnOtherThreadsAreAllCountedOnce() {
		AtomicInteger ran = new AtomicInteger();
		Flux<Mono<Void>> messages = Flux.range(0, 20_000)
			.map((i) -> Mono.<Void>fromRunnable(ran::incrementAndGet)
				.subscribeOn(Schedulers.parallel()))
			.subscribeOn(this.onLoop);
		Works bounded = new Works(messages, 64);

		StepVerifier.create(bounded).expectComplete().verify(TIMEOUT);
		assertThat(ran).hasValue(20_000);
		assertThat(bounded.mostInProgress).hasValueLessThanOrEqualTo(64);
	}

	@Test
	void aFailedWorkFailsTheResultAndStopsReading() {
		AtomicBoolean cancelled = new AtomicBoolean();
		Flux<Mono<Void>> messages = Flux.<Mono<Void>>just(Mono.error(new IllegalStateException("work failed")))
			.concatWith(Flux.never())
			.doOnCancel(() -> cancelled.set(true));

		StepVerifier.create(new Works(messages, 4)).expectErrorMessage("work failed").verify(TIMEOUT);
		assertThat(cancelled).isTrue();
	}

	@Test
	void failIsHandedToFailedWithoutCancellingTheSource() {
		AtomicBoolean cancelled = new AtomicBoolean();
		Sinks.Many<Mono<Void>> source = Sinks.many().unicast().onBackpressureBuffer();
		Works bounded = new Works(source.asFlux().doOnCancel(() -> cancelled.set(true)), 4);

		StepVerifier.create(bounded)
			.then(() -> bounded.fail(new IllegalStateException("too long")))
			.then(() -> source.tryEmitNext(Mono.error(new IllegalStateException("dropped"))))
			.expectErrorMessage("too long")
			.verify(TIMEOUT);
		assertThat(cancelled).isFalse();
		assertThat(bounded.endings).hasValue(1);
	}

	@Test
	void cancellingTheResultStopsReading() {
		AtomicBoolean cancelled = new AtomicBoolean();
		Works bounded = new Works(Flux.<Mono<Void>>never().doOnCancel(() -> cancelled.set(true)), 4);

		StepVerifier.create(bounded).thenCancel().verify(TIMEOUT);
		assertThat(cancelled).isTrue();
		assertThat(bounded.endings).hasValue(1);
	}

	@Test
	void runsOnce() {
		Works bounded = new Works(Flux.empty(), 4);
		StepVerifier.create(bounded).expectComplete().verify(TIMEOUT);
		StepVerifier.create(bounded).expectErrorMessage("A connection's inbound work is run once").verify(TIMEOUT);
	}

	@Test
	void aLimitBelowOneIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Works(Flux.empty(), 0))
			.withMessageContaining("At least one work");
	}

	/** Waits until the loop has run everything queued on it so far. */
	private void settle() {
		try {
			this.loop.submit(() -> {
			}).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Works that are their own messages, on the test's loop, counting pauses, resumes and how many ran at once. */
	private final class Works extends BoundedWork<Mono<Void>, Mono<Void>> {

		final AtomicInteger pauses = new AtomicInteger();

		final AtomicInteger resumes = new AtomicInteger();

		final AtomicInteger endings = new AtomicInteger();

		final AtomicInteger inProgress = new AtomicInteger();

		final AtomicInteger mostInProgress = new AtomicInteger();

		Works(Flux<Mono<Void>> source, int limit) {
			super(source, limit);
		}

		@Override
		protected Mono<Void> accept(Mono<Void> item) {
			return item;
		}

		@Override
		protected Mono<Void> work(Mono<Void> message) {
			if (message == Mono.<Void>empty()) {
				return message;
			}
			return message.doOnSubscribe((subscription) -> this.mostInProgress
				.accumulateAndGet(this.inProgress.incrementAndGet(), Math::max))
				.doOnTerminate(this.inProgress::decrementAndGet);
		}

		@Override
		protected void pause() {
			this.pauses.incrementAndGet();
		}

		@Override
		protected void resume() {
			this.resumes.incrementAndGet();
		}

		@Override
		protected void onSourceThread(Runnable task) {
			BoundedWorkTests.this.loop.execute(task);
		}

		@Override
		protected void ended() {
			this.endings.incrementAndGet();
		}

	}

}
