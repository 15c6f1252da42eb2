package io.sluice.gateway.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many requests of the HTTP API this gateway works on at once ({@code sluice.http.max-in-flight}), shared by
 * deepstream's endpoint and the REST resources. A request is admitted while fewer are in progress, else refused: there
 * is no queue, so what waits is the client, not the server's memory or its event loops.
 */
public final class InFlightLimit {

	/** What a refused request is told to wait before it tries again. */
	static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	private final int max;

	private final AtomicInteger inFlight = new AtomicInteger();

	public InFlightLimit(int max) {
		if (max < 1) {
			throw new IllegalArgumentException("The limit of requests in progress must be at least 1, was " + max);
		}
		this.max = max;
	}

	/** Admits one more request, or says no when {@link #max()} are in progress; an admitted one must be released. */
	boolean tryAcquire() {
		if (this.inFlight.incrementAndGet() <= this.max) {
			return true;
		}
		this.inFlight.decrementAndGet();
		return false;
	}

	void release() {
		this.inFlight.decrementAndGet();
	}

	public int max() {
		return this.max;
	}

	/** The requests in progress now. */
	public int inFlight() {
		return this.inFlight.get();
	}

	/** Why a request was refused, for its answer. */
	public String reason() {
		return "The server has " + this.max + " HTTP requests in progress, as many as it takes at once; retry after "
				+ RETRY_AFTER.toSeconds() + " second";
	}

	/** The {@code Retry-After} of a refused request, in seconds. */
	public static String retryAfter() {
		return Long.toString(RETRY_AFTER.toSeconds());
	}

}
