package io.sluice.record;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Runs the operations on one record one after another, in the order they were subscribed to, while
 * operations on different records run in parallel. A lane exists only while its record has work queued, so
 * idle records cost nothing.
 */
final class RecordLanes {

	private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

	/** Queues {@code work} on {@code name}'s lane when the returned {@code Mono} is subscribed to. */
	<T> Mono<T> run(String name, Supplier<Mono<T>> work) {
		return Mono.create((sink) -> {
			Task<T> task = new Task<>(work, sink);
			boolean[] start = new boolean[1];
			// Every change of a lane's state happens inside compute(), which the map runs one at a time per key.
			this.lanes.compute(name, (key, lane) -> {
				Lane current = (lane != null) ? lane : new Lane();
				current.queue.add(task);
				if (!current.running) {
					current.running = true;
					start[0] = true;
				}
				return current;
			});
			if (start[0]) {
				drain(name);
			}
		});
	}

	/** Lanes with work queued or running: for tests and metrics. */
	int activeLanes() {
		return this.lanes.size();
	}

	private void drain(String name) {
		while (true) {
			Task<?>[] next = new Task<?>[1];
			this.lanes.computeIfPresent(name, (key, lane) -> {
				next[0] = lane.queue.poll();
				if (next[0] == null) {
					lane.running = false;
					return null;
				}
				return lane;
			});
			if (next[0] == null || !next[0].start(() -> drain(name))) {
				// Either the lane is empty, or the task goes on asynchronously and will drain when it ends.
				return;
			}
			// The task ended before start() returned: loop rather than recurse, so long queues of
			// synchronous work do not grow the stack.
		}
	}

	private static final class Lane {

		private final ArrayDeque<Task<?>> queue = new ArrayDeque<>(4);

		private boolean running;

	}

	private static final class Task<T> {

		private static final int RUNNING = 0;

		private static final int ENDED_IN_START = 1;

		private static final int STARTED = 2;

		private final Supplier<Mono<T>> work;

		private final MonoSink<T> sink;

		private final AtomicInteger state = new AtomicInteger(RUNNING);

		Task(Supplier<Mono<T>> work, MonoSink<T> sink) {
			this.work = work;
			this.sink = sink;
		}

		/** Starts the work; returns whether it already ended, else {@code next} runs when it ends. */
		boolean start(Runnable next) {
			Runnable ended = () -> {
				if (!this.state.compareAndSet(RUNNING, ENDED_IN_START)) {
					next.run();
				}
			};
			Mono<T> mono;
			try {
				mono = this.work.get();
			}
			catch (RuntimeException ex) {
				this.sink.error(ex);
				return true;
			}
			boolean[] valued = new boolean[1];
			// The lane's own machinery, not a request path: the caller's sink gets every signal.
			mono.subscribe((value) -> {
				valued[0] = true;
				this.sink.success(value);
			}, (error) -> {
				this.sink.error(error);
				ended.run();
			}, () -> {
				if (!valued[0]) {
					this.sink.success();
				}
				ended.run();
			});
			return !this.state.compareAndSet(RUNNING, STARTED);
		}

	}

}
