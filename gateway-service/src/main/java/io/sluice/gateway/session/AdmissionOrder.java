package io.sluice.gateway.session;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.sluice.gateway.protocol.Message;

/**
 * A connection's messages kept in the order they came around a permission decision made later (a rule that reads a
 * record this node cannot read at once): the messages after it wait until it has been decided and handed to its
 * handler, then are admitted in turn. So a client's pipelined writes of a record reach the record service in the
 * order it sent them, each at the version after the one before, and each is checked against the data the one before
 * it left; and its events reach their subscribers in the order it emitted them.
 *
 * <p>Created for a connection when it first has a decision made later; a connection whose decisions are all made at
 * once never has one.
 */
final class AdmissionOrder {

	/** Messages waiting for the decision ahead of them, in the order they came. Guarded by this. */
	private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

	/** Whether a decision is being made later, so that messages must wait. Guarded by this. */
	private boolean deciding;

	/** Turns of {@link #resume}: a turn asked for while one runs is taken by the one running, not nested in it. */
	private final AtomicInteger turns = new AtomicInteger();

	/** A decision is being made later: the messages admitted until it is resumed wait. */
	synchronized void deciding() {
		this.deciding = true;
	}

	/**
	 * The work of a message that waits for the decisions ahead of it, done once they are; or {@code null} when none is
	 * being made, and the message is admitted at once.
	 */
	synchronized Mono<Void> behind(TopicHandler handler, Message message) {
		if (!this.deciding) {
			return null;
		}
		Waiting next = new Waiting(handler, message, Sinks.empty());
		this.waiting.add(next);
		return next.done().asMono();
	}

	/**
	 * Admits the messages waiting, in order, through {@code admit}, until one is decided later (whose decision resumes
	 * this again) or none is left (and messages are admitted at once again).
	 * @param admit admits a message: its work, and whether its decision is made later
	 */
	void resume(Admit admit) {
		if (this.turns.getAndIncrement() != 0) {
			return;
		}
		do {
			for (Waiting next = poll(); next != null; next = poll()) {
				Admitted admitted = admit.admit(next.handler(), next.message());
				startNow(admitted.work(), next.done());
				if (admitted.later()) {
					break;
				}
			}
		}
		while (this.turns.decrementAndGet() != 0);
	}

	/**
	 * Starts {@code work} now (a write is sent on when its work is subscribed to), rather than when the result is
	 * subscribed to: the result ends when the work does, successfully whatever became of it.
	 */
	static Mono<Void> startNow(Mono<Void> work) {
		Sinks.Empty<Void> done = Sinks.empty();
		startNow(work, done);
		return done.asMono();
	}

	private static void startNow(Mono<Void> work, Sinks.Empty<Void> done) {
		work.subscribe(null, (ex) -> done.tryEmitEmpty(), done::tryEmitEmpty);
	}

	/** The connection is gone: what waits is not admitted, and its work is done. */
	void drop() {
		Waiting[] dropped;
		synchronized (this) {
			dropped = this.waiting.toArray(Waiting[]::new);
			this.waiting.clear();
			this.deciding = false;
		}
		for (Waiting waiting : dropped) {
			waiting.done().tryEmitEmpty();
		}
	}

	/** The next message waiting; when none is, messages are admitted at once from now on. */
	private synchronized Waiting poll() {
		Waiting next = this.waiting.poll();
		if (next == null) {
			this.deciding = false;
		}
		return next;
	}

	/** How a waiting message is admitted. */
	@FunctionalInterface
	interface Admit {

		Admitted admit(TopicHandler handler, Message message);

	}

	/**
	 * A message admitted: its work, and whether its decision is made later (its work then resumes the messages
	 * waiting once it is decided, and they wait until then).
	 */
	record Admitted(Mono<Void> work, boolean later) {

	}

	private record Waiting(TopicHandler handler, Message message, Sinks.Empty<Void> done) {

	}

}
