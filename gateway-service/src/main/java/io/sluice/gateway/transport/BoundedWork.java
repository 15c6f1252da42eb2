package io.sluice.gateway.transport;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * Reads a source (a connection's frames) as fast as it comes, turns each item into a message, and runs the message's
 * work as soon as it arrives, with at most {@code limit} works in progress. At the limit the source is paused
 * ({@link #pause()}: the connection stops reading its socket); what was already read waits, in order, and runs as
 * works end, and once nothing waits the source is resumed. A work completes empty, so only how many are in progress
 * matters; ending one costs a counter, not (as in {@code flatMap}, which keeps every inner for the values it might
 * emit) a walk over all the others in progress. Works that end at once, the common case, cost nothing more.
 *
 * <p>The source is asked for everything at once and paced by pausing it, not by demand: Reactor Netty's receiver
 * then hands each frame straight over, where a bounded demand would put every frame through a queue of its own, kept
 * for the connection's life, and move every renewal of demand to the event loop as a task.
 *
 * <p>Like {@code flatMap}: the result completes when the source has ended and every message's work has; the first
 * error, of the source or of a work, ends reading at once and is handed to {@link #failed(Throwable)}; messages still
 * waiting are dropped. Works already in progress then run to their end (a write a client sent is applied, its answer
 * dropped with the connection).
 *
 * <p>It is its own subscriber, subscription and result, so that a connection's whole inbound pipeline is this one
 * object (with a subclass's state) on top of Reactor Netty's receiver: tens of thousands of idle connections each
 * hold one, and each message passes through no other operator. It may be subscribed to once.
 *
 * @param <S> the source's items
 * @param <T> the messages
 */
public abstract class BoundedWork<S, T> extends Mono<Void> implements CoreSubscriber<S>, Subscription {

	@SuppressWarnings("rawtypes")
	private static final AtomicIntegerFieldUpdater<BoundedWork> ACTIVE = AtomicIntegerFieldUpdater
		.newUpdater(BoundedWork.class, "active");

	@SuppressWarnings("rawtypes")
	private static final AtomicIntegerFieldUpdater<BoundedWork> RUNNING = AtomicIntegerFieldUpdater
		.newUpdater(BoundedWork.class, "running");

	@SuppressWarnings("rawtypes")
	private static final AtomicIntegerFieldUpdater<BoundedWork> DRAIN = AtomicIntegerFieldUpdater
		.newUpdater(BoundedWork.class, "drainScheduled");

	@SuppressWarnings("rawtypes")
	private static final AtomicIntegerFieldUpdater<BoundedWork> DONE = AtomicIntegerFieldUpdater
		.newUpdater(BoundedWork.class, "done");

	private final Publisher<? extends S> source;

	private final int limit;

	/** Messages accepted and not ended (waiting or in progress), plus one while the source has not ended. */
	private volatile int active = 1;

	/** Works in progress. */
	private volatile int running;

	/** Whether messages wait for works to end (the source is paused); set and cleared on the source's thread. */
	private volatile boolean paused;

	/** 1 while a drain of the waiting messages is queued on the source's thread. */
	private volatile int drainScheduled;

	/** 1 once the result has been decided (ended, failed or cancelled). */
	private volatile int done;

	private volatile Subscription upstream;

	private CoreSubscriber<? super Void> actual;

	/** The messages read beyond the limit, in order: only while paused. The source's thread's alone. */
	private ArrayDeque<T> waiting;

	protected BoundedWork(Publisher<? extends S> source, int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("At least one work must be allowed in progress, was " + limit);
		}
		this.source = source;
		this.limit = limit;
	}

	/** Turns an item of the source into a message, or answers it and returns {@code null}; on the source's thread. */
	protected abstract T accept(S item);

	/**
	 * The work for one message, called in the source's order on its thread; {@code null} or {@code Mono.empty()}
	 * when there is nothing to wait for.
	 */
	protected abstract Mono<Void> work(T message);

	/** Stops the source from producing more, soon; called on its thread. */
	protected abstract void pause();

	/** Lets the source produce again; called on its thread. */
	protected abstract void resume();

	/** Runs {@code task} on the source's thread, after what that thread is doing. */
	protected abstract void onSourceThread(Runnable task);

	/**
	 * What the result does after {@code error} ended the reading: by default it fails with it. The result ends
	 * when the returned publisher does.
	 */
	protected Mono<Void> failed(Throwable error) {
		return Mono.error(error);
	}

	/** Called once, when the result ends, fails or is cancelled, just before it is told so. */
	protected void ended() {
	}

	/**
	 * Ends the result through {@link #failed(Throwable)}, as an error of the source would: what the source sends
	 * after that is dropped. The source is not cancelled, since cancelling a connection's inbound closes the
	 * connection at once, before what {@code failed} sends has left.
	 */
	protected final void fail(Throwable error) {
		terminate(error);
	}

	@Override
	public void subscribe(CoreSubscriber<? super Void> actual) {
		if (this.actual != null) {
			Operators.error(actual, new IllegalStateException("A connection's inbound work is run once"));
			return;
		}
		this.actual = actual;
		actual.onSubscribe(this);
		this.source.subscribe(this);
	}

	@Override
	public void onSubscribe(Subscription subscription) {
		if (Operators.validate(this.upstream, subscription)) {
			this.upstream = subscription;
			if (this.done != 0) {
				subscription.cancel();
			}
			else {
				subscription.request(Long.MAX_VALUE);
			}
		}
	}

	@Override
	public void onNext(S item) {
		if (this.done != 0) {
			return;
		}
		T message;
		try {
			message = accept(item);
		}
		catch (RuntimeException ex) {
			stop(ex);
			return;
		}
		if (message == null) {
			return;
		}
		if (this.paused) {
			ACTIVE.incrementAndGet(this);
			this.waiting.add(message);
		}
		else if (this.running >= this.limit) {
			ACTIVE.incrementAndGet(this);
			this.waiting = new ArrayDeque<>();
			this.waiting.add(message);
			this.paused = true;
			pause();
			// Every work may have ended meanwhile, with no one left to drain what now waits.
			scheduleDrainIfBelow(this.limit - 1);
		}
		else {
			start(message, false);
		}
	}

	@Override
	public void onError(Throwable error) {
		terminate(error);
	}

	@Override
	public void onComplete() {
		ended(false);
	}

	/** The result has no values: what it is asked for does not matter. */
	@Override
	public void request(long n) {
	}

	@Override
	public void cancel() {
		if (DONE.compareAndSet(this, 0, 1)) {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
			ended();
		}
	}

	/**
	 * On the source's thread: runs a message's work. A message that waited is already counted as active; one that
	 * did not is counted only if its work does not end at once, the usual case, which so costs no atomic operation.
	 */
	private void start(T message, boolean counted) {
		Mono<Void> work;
		try {
			work = work(message);
		}
		catch (RuntimeException ex) {
			stop(ex);
			return;
		}
		if (work == null || work == Mono.<Void>empty()) {
			if (counted) {
				ended(false);
			}
			return;
		}
		if (!counted) {
			ACTIVE.incrementAndGet(this);
		}
		RUNNING.incrementAndGet(this);
		// The connection's own dispatch loop, not a request path: the work's end or error comes back here.
		work.subscribe(new Inner());
	}

	/** A message's work, or the source, has ended; from any thread. */
	private void ended(boolean running) {
		if (running) {
			RUNNING.decrementAndGet(this);
			if (this.paused) {
				// Resume in batches, so that works ending elsewhere do not each hop to the source's thread.
				scheduleDrainIfBelow(this.limit - Math.max(1, this.limit / 4));
			}
		}
		if (ACTIVE.decrementAndGet(this) == 0) {
			terminate(null);
		}
	}

	private void scheduleDrainIfBelow(int threshold) {
		if (this.running <= threshold && DRAIN.compareAndSet(this, 0, 1)) {
			onSourceThread(this::drain);
		}
	}

	/** On the source's thread: starts what waits while below the limit, and resumes the source once none waits. */
	private void drain() {
		this.drainScheduled = 0;
		ArrayDeque<T> messages = this.waiting;
		if (messages == null) {
			return;
		}
		while (this.done == 0 && this.running < this.limit && !messages.isEmpty()) {
			start(messages.poll(), true);
		}
		if (this.done != 0) {
			this.waiting = null;
			return;
		}
		if (messages.isEmpty()) {
			this.waiting = null;
			this.paused = false;
			resume();
		}
		else {
			// Works may all have ended between the loop's last look and now.
			scheduleDrainIfBelow(this.limit - 1);
		}
	}

	/** Cancels the source and ends the result through {@link #failed(Throwable)}. */
	private void stop(Throwable error) {
		Subscription subscription = this.upstream;
		if (subscription != null) {
			subscription.cancel();
		}
		terminate(error);
	}

	private void terminate(Throwable error) {
		if (!DONE.compareAndSet(this, 0, 1)) {
			return;
		}
		if (error == null) {
			finish(null);
			return;
		}
		Mono<Void> after;
		try {
			after = failed(error);
		}
		catch (RuntimeException ex) {
			ex.addSuppressed(error);
			finish(ex);
			return;
		}
		after.subscribe(null, this::finish, () -> finish(null));
	}

	private void finish(Throwable error) {
		ended();
		if (error != null) {
			this.actual.onError(error);
		}
		else {
			this.actual.onComplete();
		}
	}

	private final class Inner implements CoreSubscriber<Void> {

		@Override
		public void onSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Void value) {
		}

		@Override
		public void onError(Throwable error) {
			stop(error);
		}

		@Override
		public void onComplete() {
			ended(true);
		}

	}

}
