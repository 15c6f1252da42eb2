package io.sluice.connector.sql;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where the work of a blocking driver (H2's) runs: threads that a cancelled subscription never interrupts.
 *
 * <p>H2 writes its file on the thread that runs a statement or a commit. An interrupt during that write closes the
 * file's channel ({@code ClosedByInterruptException}), and H2 then closes the whole database: every later statement of
 * every connection fails with "The database has been closed" until the process restarts. Reactor's
 * {@code boundedElastic} interrupts a task's thread when its subscription is cancelled (a timeout, a client gone, an
 * error elsewhere in a {@code flatMap}), so it must not run H2's work; a scheduler over a plain executor only drops a
 * cancelled task that has not started, and lets one that has finish.
 */
final class BlockingSql {

	/** As many threads as statements may run at once: more than the pools' connections, never unbounded. */
	private static final int THREADS = 32;

	private static final AtomicInteger count = new AtomicInteger();

	// A plain Executor, not the ExecutorService itself: Reactor would schedule on that through futures, cancelled with
	// an interrupt.
	static final Scheduler SCHEDULER = Schedulers.fromExecutor(executor()::execute);

	private BlockingSql() {
	}

	private static ThreadPoolExecutor executor() {
		ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "sluice-sql-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

}
