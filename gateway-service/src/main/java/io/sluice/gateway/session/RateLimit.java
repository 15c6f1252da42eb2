package io.sluice.gateway.session;

import java.util.function.LongSupplier;

/**
 * A token bucket for one connection's inbound messages: it holds up to one second's worth and refills continuously,
 * so a client may burst up to the rate and sustain the rate, no more. Used on the connection's event loop only.
 */
final class RateLimit {

	private final double perNanosecond;

	private final double capacity;

	private final LongSupplier nanoTime;

	private double tokens;

	private long last;

	RateLimit(int perSecond, LongSupplier nanoTime) {
		this.perNanosecond = perSecond / 1e9;
		this.capacity = perSecond;
		this.nanoTime = nanoTime;
		this.tokens = perSecond;
		this.last = nanoTime.getAsLong();
	}

	/** Takes a token if there is one. */
	boolean tryAcquire() {
		long now = this.nanoTime.getAsLong();
		this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perNanosecond);
		this.last = now;
		if (this.tokens < 1) {
			return false;
		}
		this.tokens -= 1;
		return true;
	}

}
