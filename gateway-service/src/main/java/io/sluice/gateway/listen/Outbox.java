package io.sluice.gateway.listen;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends decided under the registry's lock and made after it is released, in the order they were decided, by one
 * thread at a time. After the lock, because a send can close a slow connection and its close comes straight back
 * into the registry; in order, because "has a provider" must not overtake "has no provider" sent just before it.
 */
final class Outbox {

	private static final Logger logger = LoggerFactory.getLogger(Outbox.class);

	private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger wip = new AtomicInteger();

	/** Queues a send; called under the registry's lock, so the queue's order is the order of decisions. */
	void add(Runnable send) {
		this.queue.add(send);
	}

	/** Runs what is queued, unless another thread (or an outer call on this one) already is. */
	void drain() {
		if (this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			Runnable send;
			while ((send = this.queue.poll()) != null) {
				try {
					send.run();
				}
				catch (RuntimeException ex) {
					logger.warn("A listening notice could not be sent", ex);
				}
			}
			missed = this.wip.addAndGet(-missed);
		}
		while (missed != 0);
	}

}
