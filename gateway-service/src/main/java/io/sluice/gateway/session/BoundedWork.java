package io.sluice.gateway.session;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * Runs the work of each item of a source (a connection's frames) as soon as it arrives, with at most {@code limit}
 * works in progress: the next items are asked for as works end. A work completes empty, so only how many are in
 * progress matters; ending one costs a counter, not (as in {@code flatMap}, which keeps every inner for the values it
 * might emit) a walk over all the others in progress. Works that end at once, the common case, cost nothing more.
 *
 * <p>Like {@code flatMap}: the result completes when the items have ended and every work has; the first error, of
 * the items or of a work, stops reading at once and is handed to {@link #failed(Throwable)}. Works already in
 * progress then run to their end (a write a client sent is applied, its answer dropped with the connection).
 *
 * <p>It is its own subscriber, subscription and result, so that a connection's whole inbound pipeline is this one
 * object (with a subclass's state) on top of Reactor Netty's receiver: tens of thousands of idle connections each
 * hold one, and each message passes through no other operator. It may be subscribed to once.
 *
 * @param <T> the items
 */
abstract class BoundedWork<T> extends Mono<Void> implements CoreSubscriber<T>, Subscription {

	@SuppressWarnings("rawtypes")
	private static final AtomicIntegerFieldUpdater<BoundedWork> ACTIVE = AtomicIntegerFieldUpdater
		.newUpdater(BoundedWork.class, "active");

	@SuppressWarnings("rawtypes")
	private static final AtomicIntegerFieldUpdater<BoundedWork> ENDED = AtomicIntegerFieldUpdater
		.newUpdater(BoundedWork.class, "ended");

	@SuppressWarnings("rawtypes")
	private static final AtomicIntegerFieldUpdater<BoundedWork> DONE = AtomicIntegerFieldUpdater
		.newUpdater(BoundedWork.class, "done");

	private final Publisher<? extends T> source;

	private final int limit;

	/** Works in progress, plus one while the items have not ended. */
	private volatile int active = 1;

	/** Works ended whose items have not been asked for again yet. */
	private volatile int ended;

	/** 1 once the result has been decided (ended, failed or cancelled). */
	private volatile int done;

	private volatile Subscription upstream;

	private CoreSubscriber<? super Void> actual;

	protected BoundedWork(Publisher<? extends T> source, int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("At least one work must be allowed in progress, was " + limit);
		}
		this.source = source;
		this.limit = limit;
	}

	/** Runs each work {@code works} emits, at most {@code limit} at a time. */
	static Mono<Void> run(Flux<Mono<Void>> works, int limit) {
		return new BoundedWork<Mono<Void>>(works, limit) {

			@Override
			protected Mono<Void> work(Mono<Void> work) {
				return work;
			}

		};
	}

	/**
	 * The work for one item, called in the source's order on its thread; {@code null} or {@code Mono.empty()} when
	 * there is nothing to wait for.
	 */
	protected abstract Mono<Void> work(T item);

	/**
	 * What the result does after {@code error} stopped the reading: by default it fails with it. The result ends
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
	 * after that is dropped, and nothing more is asked of it. The source is not cancelled, since cancelling a
	 * connection's inbound closes the connection at once, before what {@code failed} sends has left.
	 */
	protected final void fail(Throwable error) {
		terminate(error);
	}

	/** Cancels the source and ends the result through {@link #failed(Throwable)}. */
	private void stop(Throwable error) {
		Subscription subscription = this.upstream;
		if (subscription != null) {
			subscription.cancel();
		}
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
				subscription.request(this.limit);
			}
		}
	}

	@Override
	public void onNext(T item) {
		if (this.done != 0) {
			return;
		}
		Mono<Void> work;
		try {
			work = work(item);
		}
		catch (RuntimeException ex) {
			stop(ex);
			return;
		}
		if (work == null || work == Mono.<Void>empty()) {
			workEnded(false);
			return;
		}
		ACTIVE.incrementAndGet(this);
		// The connection's own dispatch loop, not a request path: the work's end or error comes back here.
		work.subscribe(new Inner());
	}

	@Override
	public void onError(Throwable error) {
		terminate(error);
	}

	@Override
	public void onComplete() {
		if (ACTIVE.decrementAndGet(this) == 0) {
			terminate(null);
		}
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

	private void workEnded(boolean counted) {
		int pending = ENDED.incrementAndGet(this);
		// Ask for items in batches: it cannot stall, since until a batch is asked for the source still has
		// (limit - in progress - ended) >= limit - batch items it may send.
		if (pending >= Math.max(1, this.limit / 4) && ENDED.compareAndSet(this, pending, 0)) {
			this.upstream.request(pending);
		}
		if (counted && ACTIVE.decrementAndGet(this) == 0) {
			terminate(null);
		}
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
			workEnded(true);
		}

	}

}
