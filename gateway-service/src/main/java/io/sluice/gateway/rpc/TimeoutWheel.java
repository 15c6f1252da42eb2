package io.sluice.gateway.rpc;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;

/**
 * A scheduler for the timeouts of calls in progress, on one hashed wheel: every call arms two timers and almost
 * always cancels both, so arming and cancelling must be cheap. The parallel scheduler's delayed tasks take a lock
 * and re-sort a heap on both, and wake a thread; here each is a lock-free enqueue, and one thread ticks every
 * {@value #TICK_MS} ms. A timeout fires within a tick after its deadline, which is nothing against the seconds RPC
 * timeouts are measured in.
 */
final class TimeoutWheel implements Scheduler {

	static final long TICK_MS = 10;

	/** One wheel for every handler in the JVM: a daemon thread that sleeps between ticks. */
	static final TimeoutWheel SHARED = new TimeoutWheel();

	private final HashedWheelTimer wheel = new HashedWheelTimer(new DefaultThreadFactory("sluice-rpc-timeouts", true),
			TICK_MS, TimeUnit.MILLISECONDS, 512);

	private TimeoutWheel() {
	}

	@Override
	public Disposable schedule(Runnable task) {
		return schedule(task, 0, TimeUnit.MILLISECONDS);
	}

	@Override
	public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
		try {
			Timeout timeout = this.wheel.newTimeout((ignored) -> task.run(), delay, unit);
			return new Armed(timeout);
		}
		catch (IllegalStateException ex) {
			throw new RejectedExecutionException("The RPC timeout wheel is stopped", ex);
		}
	}

	@Override
	public Worker createWorker() {
		return new WheelWorker();
	}

	private record Armed(Timeout timeout) implements Disposable {

		@Override
		public void dispose() {
			this.timeout.cancel();
		}

		@Override
		public boolean isDisposed() {
			return this.timeout.isCancelled() || this.timeout.isExpired();
		}

	}

	/** Tasks of one worker, cancelled together when it is disposed. */
	private final class WheelWorker implements Worker {

		private final Disposable.Composite tasks = Disposables.composite();

		@Override
		public Disposable schedule(Runnable task) {
			return schedule(task, 0, TimeUnit.MILLISECONDS);
		}

		@Override
		public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
			if (this.tasks.isDisposed()) {
				throw new RejectedExecutionException("The worker is disposed");
			}
			Disposable[] armed = new Disposable[1];
			armed[0] = TimeoutWheel.this.schedule(() -> {
				// Set before the next tick, so always there; checked all the same.
				if (armed[0] != null) {
					this.tasks.remove(armed[0]);
				}
				task.run();
			}, delay, unit);
			this.tasks.add(armed[0]);
			return armed[0];
		}

		@Override
		public void dispose() {
			this.tasks.dispose();
		}

		@Override
		public boolean isDisposed() {
			return this.tasks.isDisposed();
		}

	}

}
