package io.sluice.connector.sql;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

class BlockingSqlTests {

	@Test
	void aCancelledSubscriptionDoesNotInterruptTheWorkItStarted() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch finished = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		Disposable subscription = Mono.fromRunnable(() -> {
			started.countDown();
			// H2 writing its file: an interrupt here would close the channel, and H2 the database.
			while (true) {
				try {
					if (release.await(10, TimeUnit.MILLISECONDS)) {
						break;
					}
				}
				catch (InterruptedException ex) {
					interrupted.set(true);
				}
			}
			interrupted.compareAndSet(false, Thread.currentThread().isInterrupted());
			finished.countDown();
		}).subscribeOn(BlockingSql.SCHEDULER).subscribe();
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

		subscription.dispose();
		release.countDown();

		assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(interrupted).as("the running work was interrupted").isFalse();
	}

	@Test
	void boundedElasticWouldHaveInterruptedIt() throws Exception {
		// What BlockingSql is for: this is the behaviour it avoids.
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		Disposable subscription = Mono.fromRunnable(() -> {
			started.countDown();
			try {
				Thread.sleep(Duration.ofSeconds(10).toMillis());
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
			}
		}).subscribeOn(Schedulers.boundedElastic()).subscribe();
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

		subscription.dispose();

		assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
	}

}
