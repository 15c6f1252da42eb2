package io.sluice.gateway.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The names seen most often, estimated in a fixed number of slots by the Space-Saving algorithm (Metwally, Agrawal
 * and El Abbadi): a name already in a slot counts up; a new name takes the slot of the least counted one and starts
 * from its count, so the table never grows, and a name seen more often than {@code 1/slots} of the time is always in
 * it. The counts halve every {@code halfLife}, so that the table follows what is busy now rather than since start-up.
 * Safe from any thread; each call takes the table's lock, which is why it is fed a sample, not every message.
 */
final class HeavyHitters {

	private final String[] names;

	private final long[] counts;

	private final long halfLifeNanos;

	private final LongSupplier nanoClock;

	private long lastHalved;

	/**
	 * @param slots how many names the table holds
	 * @param halfLifeNanos how often the counts halve
	 * @param nanoClock what tells the time, in nanoseconds
	 */
	HeavyHitters(int slots, long halfLifeNanos, LongSupplier nanoClock) {
		if (slots < 1) {
			throw new IllegalArgumentException("A heavy-hitter table needs at least one slot, was " + slots);
		}
		this.names = new String[slots];
		this.counts = new long[slots];
		this.halfLifeNanos = halfLifeNanos;
		this.nanoClock = nanoClock;
		this.lastHalved = nanoClock.getAsLong();
	}

	/** Counts one sighting of {@code name}. */
	synchronized void add(String name) {
		decay();
		int least = 0;
		for (int slot = 0; slot < this.names.length; slot++) {
			if (name.equals(this.names[slot])) {
				this.counts[slot]++;
				return;
			}
			if (this.counts[slot] < this.counts[least]) {
				least = slot;
			}
		}
		this.names[least] = name;
		this.counts[least]++;
	}

	/** The {@code limit} names counted most, most first; a count is an upper bound of the name's sightings. */
	synchronized List<Counted> top(int limit) {
		decay();
		List<Counted> all = new ArrayList<>(this.names.length);
		for (int slot = 0; slot < this.names.length; slot++) {
			if (this.names[slot] != null && this.counts[slot] > 0) {
				all.add(new Counted(this.names[slot], this.counts[slot]));
			}
		}
		all.sort(Comparator.comparingLong(Counted::count).reversed().thenComparing(Counted::name));
		return List.copyOf(all.subList(0, Math.min(limit, all.size())));
	}

	/** Halves the counts once for every half-life gone by since they last were. */
	private void decay() {
		long now = this.nanoClock.getAsLong();
		long periods = (now - this.lastHalved) / this.halfLifeNanos;
		if (periods <= 0) {
			return;
		}
		this.lastHalved += periods * this.halfLifeNanos;
		int shift = (int) Math.min(periods, 63);
		for (int slot = 0; slot < this.counts.length; slot++) {
			this.counts[slot] >>>= shift;
			if (this.counts[slot] == 0) {
				this.names[slot] = null;
			}
		}
	}

	/** A name and how often it was counted. */
	record Counted(String name, long count) {

	}

}
