package io.sluice.gateway.session;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How many refused logins each remote address may have ({@code sluice.gateway.max-refused-logins-per-second}): a
 * refusal takes one of the address's allowance, which refills at the rate and holds up to ten seconds' worth, and a
 * login from an address with none left is refused before the authenticator is asked. Accepted logins cost nothing,
 * so any number of clients may log in at once (a reconnecting crowd, say). Logins decided at the same time are all
 * asked for, one per connection at most; their refusals are all counted, and put the address that much further
 * behind, up to twice the allowance.
 *
 * <p>An address's state is one number, the time its allowance will be whole again (the generic cell rate
 * algorithm), changed atomically in its map entry; an address whose allowance is whole is not held. Memory is
 * bounded: beyond {@link #MAX_ADDRESSES}, after the whole ones are dropped, new addresses share one allowance.
 *
 * <p>One per gateway, shared by every way in: WebSocket logins, deepstream's HTTP endpoint and the REST API.
 */
public final class RefusedLogins {

	/** The most addresses held at once. */
	static final int MAX_ADDRESSES = 100_000;

	/** The allowance new addresses share once {@link #MAX_ADDRESSES} are held. */
	static final String OTHERS = "*";

	private static final int BURST_SECONDS = 10;

	private static final long SWEEP_INTERVAL = 1_000_000_000L;

	private final ConcurrentHashMap<String, Long> wholeAt = new ConcurrentHashMap<>();

	/** Nanoseconds per refusal of the allowance; 0 when there is no limit. */
	private final long interval;

	private final long burst;

	private final LongSupplier nanoTime;

	private final AtomicLong swept;

	/** With the allowance of {@code sluice.gateway.max-refused-logins-per-second}. */
	public RefusedLogins(ConnectionLimits limits) {
		this(limits.maxRefusedLoginsPerSecond(), System::nanoTime);
	}

	/**
	 * @param perSecond refusals an address may have per second, in bursts of ten seconds' worth; 0 for no limit
	 * @param nanoTime the clock, as {@link System#nanoTime}
	 */
	public RefusedLogins(int perSecond, LongSupplier nanoTime) {
		this.interval = (perSecond > 0) ? 1_000_000_000L / perSecond : 0;
		this.burst = this.interval * perSecond * BURST_SECONDS;
		this.nanoTime = nanoTime;
		this.swept = new AtomicLong(nanoTime.getAsLong() - SWEEP_INTERVAL);
	}

	/** What logins from {@code remote} count under: an IPv4 address, or an IPv6 address's /64 network. */
	public static String address(SocketAddress remote) {
		return ConnectionSlots.key(remote);
	}

	/** Whether a login from {@code address} may be asked for: the address has a refusal left. */
	public boolean allows(String address) {
		return wait(address).isZero();
	}

	/** How long until a login from {@code address} may be asked for: zero when it has a refusal left. */
	public Duration wait(String address) {
		if (this.interval == 0) {
			return Duration.ZERO;
		}
		Long whole = this.wholeAt.get(counted(address));
		long over = (whole != null) ? whole - this.nanoTime.getAsLong() + this.interval - this.burst : 0;
		return (over > 0) ? Duration.ofNanos(over) : Duration.ZERO;
	}

	/** Counts a refused login from {@code address}. */
	public void refused(String address) {
		if (this.interval == 0) {
			return;
		}
		long now = this.nanoTime.getAsLong();
		if (this.wholeAt.size() >= MAX_ADDRESSES && !this.wholeAt.containsKey(address)) {
			sweep(now);
		}
		this.wholeAt.compute(counted(address), (counted, whole) -> {
			long from = (whole == null || whole - now < 0) ? now : whole;
			return Math.min(from + this.interval, now + 2 * this.burst);
		});
	}

	/** How many addresses are held (whole ones may still be, until the next sweep). */
	int held() {
		return this.wholeAt.size();
	}

	/** What {@code address} is counted under: itself, or {@link #OTHERS} when it is new and the map is full. */
	private String counted(String address) {
		return (this.wholeAt.size() < MAX_ADDRESSES || this.wholeAt.containsKey(address)) ? address : OTHERS;
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
