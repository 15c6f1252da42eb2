package io.sluice.connector.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test moves it, for adapters that judge expiry or retention by a {@link Clock}:
 * a test sets the instant it starts at and {@link #advance(Duration) advances} it by hand, to the nanosecond. Always
 * in UTC.
 */
public final class SettableClock extends Clock {

	private volatile Instant now;

	/**
	 * A clock standing at {@code now}.
	 * @param now the instant it reads until advanced
	 */
	public SettableClock(Instant now) {
		this.now = now;
	}

	/**
	 * Moves the clock forward.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		this.now = this.now.plus(duration);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("a SettableClock stays in UTC");
	}

	@Override
	public Instant instant() {
		return this.now;
	}

}
