package io.sluice.gateway.rpc;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TimeoutWheelTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void aDelayFiresNoEarlierThanItsDeadline() {
		long start = System.nanoTime();

		StepVerifier.create(Mono.delay(Duration.ofMillis(50), TimeoutWheel.SHARED))
			.expectNext(0L)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
	}

	@Test
	void aCancelledTimeoutNeverFires() throws InterruptedException {
		AtomicInteger fired = new AtomicInteger();
		Disposable armed = TimeoutWheel.SHARED.schedule(fired::incrementAndGet, 30, TimeUnit.MILLISECONDS);
		armed.dispose();
		CountDownLatch later = new CountDownLatch(1);
		TimeoutWheel.SHARED.schedule(later::countDown, 100, TimeUnit.MILLISECONDS);

		assertThat(later.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(fired).hasValue(0);
		assertThat(armed.isDisposed()).isTrue();
	}

	@Test
	void manyTimeoutsArmedAndCancelledFromManyThreadsLeaveOnlyTheKeptOnesFiring() throws InterruptedException {
		int threads = 4;
		int each = 5_000;
		AtomicInteger fired = new AtomicInteger();
		CountDownLatch kept = new CountDownLatch(threads);
		Thread[] workers = new Thread[threads];
		for (int t = 0; t < threads; t++) {
			workers[t] = new Thread(() -> {
				// A second between arming and cancelling: a thread held up that long between two statements (a
				// busy machine) would see its timeout fire before it could cancel it, which is not what is tested.
				for (int i = 0; i < each; i++) {
					TimeoutWheel.SHARED.schedule(fired::incrementAndGet, 1, TimeUnit.SECONDS).dispose();
				}
				TimeoutWheel.SHARED.schedule(kept::countDown, 1, TimeUnit.SECONDS);
			});
			workers[t].start();
		}
		for (Thread worker : workers) {
			worker.join();
		}

		assertThat(kept.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(fired).hasValue(0);
	}

	@Test
	void aDisposedWorkerCancelsItsTasksAndRefusesNewOnes() throws InterruptedException {
		Scheduler.Worker worker = TimeoutWheel.SHARED.createWorker();
		AtomicInteger fired = new AtomicInteger();
		worker.schedule(fired::incrementAndGet, 30, TimeUnit.MILLISECONDS);
		worker.dispose();
		CountDownLatch later = new CountDownLatch(1);
		TimeoutWheel.SHARED.schedule(later::countDown, 100, TimeUnit.MILLISECONDS);

		assertThat(later.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(fired).hasValue(0);
		assertThatExceptionOfType(java.util.concurrent.RejectedExecutionException.class)
			.isThrownBy(() -> worker.schedule(fired::incrementAndGet));
	}

}
