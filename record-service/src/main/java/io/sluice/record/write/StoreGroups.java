package io.sluice.record.write;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import reactor.core.publisher.Mono;

/**
 * Calls to the store made in groups: while one group is with the store, the calls that arrive wait and go together
 * in the next one, up to a size. One round trip serves many callers, so throughput grows with load instead of being
 * capped by one round trip per call.
 *
 * <p>The next group is handed to the store from the thread on which the last one ended, before that group's
 * callers are answered (answering a caller may run all that follows its call), so the store is never idle while
 * calls wait, and no other thread has to wake up in between. A store that ends a group at once is looped over, not
 * recursed into.
 *
 * @param <P> a waiting call: what the store needs of it, and whom to answer
 * @param <R> what the store gives for one group
 */
final class StoreGroups<P, R> {

	private final int maxGroupSize;

	private final Function<List<P>, Mono<R>> call;

	private final Answer<P, R> answer;

	private final Object lock = new Object();

	private List<P> waiting = new ArrayList<>();

	private boolean calling;

	/**
	 * @param call hands one group to the store
	 * @param answer answers a group's callers from what the store gave, or from why it failed
	 */
	StoreGroups(int maxGroupSize, Function<List<P>, Mono<R>> call, Answer<P, R> answer) {
		if (maxGroupSize < 1) {
			throw new IllegalArgumentException("A group holds at least one call, was " + maxGroupSize);
		}
		this.maxGroupSize = maxGroupSize;
		this.call = call;
		this.answer = answer;
	}

	/** Adds a call to the next group, and starts calling the store if it is idle. */
	void add(P pending) {
		boolean start;
		synchronized (this.lock) {
			this.waiting.add(pending);
			start = !this.calling;
			this.calling = true;
		}
		if (start) {
			callGroups();
		}
	}

	/** Hands the waiting groups to the store one after another until one goes on asynchronously, or none is left. */
	private void callGroups() {
		Group group = nextGroup();
		while (group != null) {
			group.start();
			if (!group.endedAtOnce()) {
				return;
			}
			group.answer();
			group = nextGroup();
		}
	}

	/** The calls waiting, up to the group size, or {@code null} (and no longer calling) if there are none. */
	private Group nextGroup() {
		List<P> taken;
		synchronized (this.lock) {
			if (this.waiting.isEmpty()) {
				this.calling = false;
				return null;
			}
			if (this.waiting.size() <= this.maxGroupSize) {
				taken = this.waiting;
				this.waiting = new ArrayList<>();
			}
			else {
				taken = new ArrayList<>(this.waiting.subList(0, this.maxGroupSize));
				this.waiting = new ArrayList<>(this.waiting.subList(this.maxGroupSize, this.waiting.size()));
			}
		}
		return new Group(taken);
	}

	/** Answers the callers of one group. */
	@FunctionalInterface
	interface Answer<P, R> {

		/**
		 * @param result what the store gave, or {@code null} if it gave nothing or failed
		 * @param error why the store failed, or {@code null}
		 */
		void answer(List<P> group, R result, Throwable error);

	}

	/** One group handed to the store, and how it ended. */
	private final class Group {

		private static final int RUNNING = 0;

		private static final int ENDED_AT_ONCE = 1;

		private static final int DETACHED = 2;

		private final List<P> pending;

		private final AtomicInteger state = new AtomicInteger(RUNNING);

		private R result;

		private Throwable error;

		Group(List<P> pending) {
			this.pending = pending;
		}

		void start() {
			// The grouping loop itself, not a request path: every caller is answered from here.
			Mono.defer(() -> StoreGroups.this.call.apply(this.pending)).subscribe(this::result, this::failed,
					this::ended);
		}

		void result(R result) {
			this.result = result;
		}

		void failed(Throwable error) {
			this.error = error;
			ended();
		}

		void ended() {
			if (this.state.compareAndSet(RUNNING, ENDED_AT_ONCE)) {
				// Still inside subscribe(): callGroups answers and goes on.
				return;
			}
			callGroups();
			answer();
		}

		/** Whether the store ended the group before subscribe() returned; if not, it goes on asynchronously. */
		boolean endedAtOnce() {
			return !this.state.compareAndSet(RUNNING, DETACHED);
		}

		void answer() {
			StoreGroups.this.answer.answer(this.pending, this.result, this.error);
		}

	}

}
