package io.sluice.gateway.transport;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.springframework.util.unit.DataSize;

/**
 * When a client that lets its outbound messages pile up is disconnected: one instance shared by every connection of
 * an endpoint, so a connection holds none of it.
 *
 * <p>A client may have up to {@code budget} bytes waiting for it whatever it does. Beyond that it is disconnected once
 * its socket has taken nothing for {@code stallTimeout} (it stopped reading), but not while the socket drains, however
 * slowly (it reads slower than a burst arrives: it catches up when the burst ends). Beyond {@code limit} it is
 * disconnected at once, reading or not: that bounds the memory one client can hold.
 *
 * <p>A message counts its size on the wire plus {@link #MESSAGE_OVERHEAD} for what holds it while it waits (its
 * buffer's object and its slot in the queue), so that many tiny messages count for what they cost.
 *
 * @param budget bytes that may wait without any condition
 * @param limit bytes beyond which the client is disconnected at once
 * @param stallNanos how long a client over the budget may go without its socket taking anything
 * @param nanoClock the clock {@code stallNanos} is measured on ({@link System#nanoTime()} but in tests)
 */
public record OutboundPolicy(long budget, long limit, long stallNanos, LongSupplier nanoClock) {

	/** What a waiting message costs besides its bytes: the buffer (or view of a shared one) and the queue slot. */
	static final int MESSAGE_OVERHEAD = 64;

	/** Close code for a client that does not read what it is sent (policy violation). */
	public static final int SLOW_CONSUMER = 1008;

	public OutboundPolicy {
		if (budget < 1 || limit < budget) {
			throw new IllegalArgumentException("The outbound limit (" + limit + " bytes) must be at least the budget ("
					+ budget + " bytes), which must be positive");
		}
		if (stallNanos < 1) {
			throw new IllegalArgumentException("The stall timeout must be positive, was " + stallNanos + " ns");
		}
	}

	public static OutboundPolicy of(DataSize budget, DataSize limit, Duration stallTimeout, LongSupplier nanoClock) {
		return new OutboundPolicy(budget.toBytes(), limit.toBytes(), stallTimeout.toNanos(), nanoClock);
	}

	/** What a message of {@code payloadLength} bytes counts against the budget: its WebSocket frame and overhead. */
	public static int charge(int payloadLength) {
		return WebSocketFrames.length(payloadLength) + MESSAGE_OVERHEAD;
	}

	/** What a whole frame built by {@link WebSocketFrames} counts: the same as {@link #charge(int)} of its payload. */
	static int chargeOfFrame(int frameLength) {
		return frameLength + MESSAGE_OVERHEAD;
	}

	/** Why a client over its limit is disconnected. */
	CloseStatus overLimit() {
		return new CloseStatus(SLOW_CONSUMER, "Outbound queue full: more than " + DataSize.ofBytes(this.limit)
				+ " waiting, the client is not reading fast enough");
	}

	/** Why a client over its budget that stopped reading is disconnected. */
	CloseStatus stalled() {
		return new CloseStatus(SLOW_CONSUMER, "Outbound queue full: the client is not reading (nothing read for "
				+ Duration.ofNanos(this.stallNanos).toMillis() + " ms with more than " + DataSize.ofBytes(this.budget)
				+ " waiting)");
	}

}
