package io.sluice.gateway.pubsub;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;

/**
 * One subscription, for the gateway's life, to what reaches this node from elsewhere (the message bus, the record
 * change feed), each item handed to {@link #receive}. Started before the web server takes connections and stopped
 * after it; resubscribed with a capped backoff whenever the source fails.
 * @param <T> the items of the source
 */
public abstract class LifelongFeed<T> implements SmartLifecycle {

	private final Logger logger = LoggerFactory.getLogger(getClass());

	private final String description;

	private volatile Disposable subscription;

	/** @param description what the source is, for the logs ("Event bus subscription") */
	protected LifelongFeed(String description) {
		this.description = description;
	}

	/** The source, subscribed to at start and again after each failure. */
	protected abstract Flux<T> source();

	/** Handles one item, on the source's thread. */
	protected abstract void receive(T item);

	@Override
	public final void start() {
		// Not in a request path: one subscription for the gateway's life, resubscribed if the source fails.
		this.subscription = source()
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5))
				.doBeforeRetry((signal) -> this.logger.warn("{} failed; resubscribing", this.description,
						signal.failure())))
			.subscribe(this::receive, (ex) -> this.logger.error("{} ended", this.description, ex));
	}

	@Override
	public final void stop() {
		Disposable current = this.subscription;
		if (current != null) {
			current.dispose();
		}
		this.subscription = null;
	}

	@Override
	public final boolean isRunning() {
		return this.subscription != null;
	}

	/** Before the web server starts taking connections, and stopped after it. */
	@Override
	public final int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

}
