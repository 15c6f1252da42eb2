package io.sluice.gateway.session;

import java.util.concurrent.atomic.AtomicInteger;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Runs the work of each of a connection's messages as soon as it is dispatched, with at most {@code limit} of them in
 * progress: the connection's next frames are asked for as works end. A work completes empty, so only how many are
 * in progress matters; ending one costs a counter, not (as in {@code flatMap}, which keeps every inner for the values
 * it might emit) a walk over all the others in progress. Works that end at once, the common case, cost nothing more.
 *
 * <p>Like {@code flatMap}: the result completes when the messages have ended and every work has; the first error, of
 * the messages or of a work, fails it at once and stops reading. Works already in progress then run to their end (a
 * write a client sent is applied, its answer dropped with the connection).
 */
final class BoundedWork extends BaseSubscriber<Mono<Void>> {

	private final MonoSink<Void> sink;

	private final int limit;

	/** Frames asked for again at once, so that a work ending elsewhere does not hop to the event loop every time. */
	private final int batch;

	/** Works in progress, plus one while the messages have not ended. */
	private final AtomicInteger active = new AtomicInteger(1);

	/** Works ended elsewhere (subscribed to, then completed) whose frames have not been asked for again yet. */
	private final AtomicInteger ended = new AtomicInteger();

	/**
	 * Works that ended at once whose frames have not been asked for again yet: counted without atomics, as only
	 * {@link #hookOnNext}, which the messages' thread calls one at a time, touches it.
	 */
	private int endedAtOnce;

	private BoundedWork(MonoSink<Void> sink, int limit) {
		this.sink = sink;
		this.limit = limit;
		this.batch = Math.max(1, limit / 4);
	}

	/** Subscribes to {@code works} when the result is, and runs each work it emits. */
	static Mono<Void> run(Flux<Mono<Void>> works, int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("At least one work must be allowed in progress, was " + limit);
		}
		return Mono.create((sink) -> {
			BoundedWork subscriber = new BoundedWork(sink, limit);
			sink.onCancel(subscriber);
			works.subscribe(subscriber);
		});
	}

	@Override
	protected void hookOnSubscribe(Subscription subscription) {
		subscription.request(this.limit);
	}

	@Override
	protected void hookOnNext(Mono<Void> work) {
		if (work == Mono.<Void>empty()) {
			// The usual case, and the cheap one: the same batching as workEnded(), on a plain counter.
			if (++this.endedAtOnce >= this.batch) {
				int pending = this.endedAtOnce;
				this.endedAtOnce = 0;
				request(pending);
			}
			return;
		}
		this.active.incrementAndGet();
		// The connection's own dispatch loop, not a request path: the work's end or error comes back here.
		work.subscribe(new Inner());
	}

	@Override
	protected void hookOnComplete() {
		if (this.active.decrementAndGet() == 0) {
			this.sink.success();
		}
	}

	@Override
	protected void hookOnError(Throwable error) {
		this.sink.error(error);
	}

	private void workEnded() {
		int pending = this.ended.incrementAndGet();
		// Ask for frames in batches: it cannot stall, since until a batch is asked for, each of the two counters
		// holds fewer than a batch, and the connection still has (limit - in progress - ended) > limit - 2 * batch
		// frames it may send (batch is a quarter of the limit).
		if (pending >= this.batch && this.ended.compareAndSet(pending, 0)) {
			request(pending);
		}
		if (this.active.decrementAndGet() == 0) {
			this.sink.success();
		}
	}

	private void workFailed(Throwable error) {
		cancel();
		this.sink.error(error);
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
			workFailed(error);
		}

		@Override
		public void onComplete() {
			workEnded();
		}

	}

}
