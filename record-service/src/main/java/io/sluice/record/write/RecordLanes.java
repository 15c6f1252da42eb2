package io.sluice.record.write;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
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
			Task<T> task = new Task<>(name, work, sink);
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
			if (next[0] == null || !next[0].start()) {
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

	/** One operation in a lane; it subscribes to its work itself, so starting one allocates no callbacks. */
	private final class Task<T> implements CoreSubscriber<T> {

		private static final int RUNNING = 0;

		private static final int ENDED_IN_START = 1;

		private static final int STARTED = 2;

		private final String name;

		private final Supplier<Mono<T>> work;

		private final MonoSink<T> sink;

		private final AtomicInteger state = new AtomicInteger(RUNNING);

		private boolean valued;

		Task(String name, Supplier<Mono<T>> work, MonoSink<T> sink) {
			this.name = name;
			this.work = work;
			this.sink = sink;
		}

		/** Starts the work; returns whether it already ended, else the lane is drained when it ends. */
		boolean start() {
			Mono<T> mono;
			try {
				mono = this.work.get();
			}
			catch (RuntimeException ex) {
				this.sink.error(ex);
				return true;
			}
			// The lane's own machinery, not a request path: the caller's sink gets every signal.
			mono.subscribe(this);
			return !this.state.compareAndSet(RUNNING, STARTED);
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(T value) {
			this.valued = true;
			this.sink.success(value);
		}

		@Override
		public void onError(Throwable error) {
			this.sink.error(error);
			ended();
		}

		@Override
		public void onComplete() {
			if (!this.valued) {
				this.sink.success();
			}
			ended();
		}

		private void ended() {
			if (!this.state.compareAndSet(RUNNING, ENDED_IN_START)) {
				drain(this.name);
			}
		}

	}

}
