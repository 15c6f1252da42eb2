package io.sluice.gateway.session;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How many refused logins each remote address may have ({@code sluice.gateway.max-refused-logins-per-second}): a
 * login takes one of the address's allowance before the authenticator is asked, and gets it back when it is
 * accepted, so refusals are counted, and logins in progress at once too, while accepted ones cost nothing. The
 * allowance refills at the rate and holds up to ten seconds' worth.
 *
 * <p>An address's state is one number, the time its allowance will be whole again (the generic cell rate
 * algorithm), changed atomically in its map entry; an address whose allowance is whole is not held. Memory is
 * bounded: beyond {@link #MAX_ADDRESSES}, after the whole ones are dropped, new addresses share one allowance.
 */
final class RefusedLogins {

	/** The most addresses held at once. */
	static final int MAX_ADDRESSES = 100_000;

	/** The allowance new addresses share once {@link #MAX_ADDRESSES} are held. */
	static final String OTHERS = "*";

	private static final int BURST_SECONDS = 10;

	private static final long SWEEP_INTERVAL = 1_000_000_000L;

	private final ConcurrentHashMap<String, Long> wholeAt = new ConcurrentHashMap<>();

	/** Nanoseconds per login of the allowance; 0 when there is no limit. */
	private final long interval;

	private final long burst;

	private final LongSupplier nanoTime;

	private final AtomicLong swept;

	RefusedLogins(int perSecond, LongSupplier nanoTime) {
		this.interval = (perSecond > 0) ? 1_000_000_000L / perSecond : 0;
		this.burst = this.interval * perSecond * BURST_SECONDS;
		this.nanoTime = nanoTime;
		this.swept = new AtomicLong(nanoTime.getAsLong() - SWEEP_INTERVAL);
	}

	/**
	 * Takes one login of {@code address}'s allowance: returns what it was counted under, to give back with
	 * {@link #accepted}, or {@code null} when the address has none left and the login is to be refused.
	 */
	String tryStart(String address) {
		if (this.interval == 0) {
			return address;
		}
		long now = this.nanoTime.getAsLong();
		String key = address;
		if (this.wholeAt.size() >= MAX_ADDRESSES && !this.wholeAt.containsKey(address)) {
			sweep(now);
			key = (this.wholeAt.size() >= MAX_ADDRESSES) ? OTHERS : address;
		}
		boolean[] allowed = new boolean[1];
		this.wholeAt.compute(key, (counted, whole) -> {
			long from = (whole == null || whole - now < 0) ? now : whole;
			allowed[0] = from + this.interval - now <= this.burst;
			return allowed[0] ? from + this.interval : whole;
		});
		return allowed[0] ? key : null;
	}

	/** Gives back what {@link #tryStart} took for a login the authenticator accepted. */
	void accepted(String counted) {
		if (this.interval == 0) {
			return;
		}
		long now = this.nanoTime.getAsLong();
		this.wholeAt.computeIfPresent(counted, (key, whole) -> (whole - this.interval - now <= 0) ? null
				: whole - this.interval);
	}

	/** How many addresses are held (whole ones may still be, until the next sweep or login). */
	int held() {
		return this.wholeAt.size();
	}

	/** Drops the addresses whose allowance is whole again; at most once a second. */
	private void sweep(long now) {
		long last = this.swept.get();
		if (now - last < SWEEP_INTERVAL || !this.swept.compareAndSet(last, now)) {
			return;
		}
		for (String address : this.wholeAt.keySet()) {
			this.wholeAt.computeIfPresent(address, (key, whole) -> (whole - now <= 0) ? null : whole);
		}
	}

}
