package io.sluice.gateway.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

import io.sluice.gateway.protocol.Topic;

/**
 * The busiest record and event names, from a sample of the messages clients send: one message in
 * {@code sampleEvery}, chosen at random, is counted in a small {@link HeavyHitters} table per topic. The message path
 * calls {@link #offer} on every message; with no sampler installed that is one read of a volatile field, and with
 * one it is a thread-local random number, and a locked table update only for the message sampled. Nothing grows with
 * the names clients use.
 *
 * <p>One sampler is installed in a process at a time (the admin page's); record and event names are never meter
 * tags.
 */
public final class NameSampler implements AutoCloseable {

	/** How many names each table holds; the page shows fewer, so that the last places are not mere newcomers. */
	static final int SLOTS = 32;

	private static final Duration HALF_LIFE = Duration.ofSeconds(30);

	private static volatile NameSampler installed;

	private final int sampleEvery;

	private final HeavyHitters records;

	private final HeavyHitters events;

	/** @param sampleEvery one message in how many is counted */
	public NameSampler(int sampleEvery) {
		this(sampleEvery, System::nanoTime);
	}

	NameSampler(int sampleEvery, LongSupplier nanoClock) {
		if (sampleEvery < 1) {
			throw new IllegalArgumentException("One message in " + sampleEvery + " cannot be sampled: at least 1");
		}
		this.sampleEvery = sampleEvery;
		this.records = new HeavyHitters(SLOTS, HALF_LIFE.toNanos(), nanoClock);
		this.events = new HeavyHitters(SLOTS, HALF_LIFE.toNanos(), nanoClock);
	}

	/** A client sent a message on {@code topic} about {@code name} (which may be {@code null}). */
	public static void offer(int topic, String name) {
		NameSampler sampler = installed;
		if (sampler != null) {
			sampler.sample(topic, name);
		}
	}

	/** Makes this sampler the one {@link #offer} feeds. */
	public NameSampler install() {
		installed = this;
		return this;
	}

	/** Stops feeding this sampler, if it is the one installed. */
	@Override
	public void close() {
		if (installed == this) {
			installed = null;
		}
	}

	/** One message in how many is counted. */
	public int sampleEvery() {
		return this.sampleEvery;
	}

	/** The busiest record names, busiest first, at most {@code limit}. */
	public List<Busy> busiestRecords(int limit) {
		return busiest(this.records, limit);
	}

	/** The busiest event names, busiest first, at most {@code limit}. */
	public List<Busy> busiestEvents(int limit) {
		return busiest(this.events, limit);
	}

	void sample(int topic, String name) {
		if (name == null || (topic != Topic.RECORD && topic != Topic.EVENT)) {
			return;
		}
		if (this.sampleEvery > 1 && ThreadLocalRandom.current().nextInt(this.sampleEvery) != 0) {
			return;
		}
		((topic == Topic.RECORD) ? this.records : this.events).add(name);
	}

	private List<Busy> busiest(HeavyHitters table, int limit) {
		return table.top(limit)
			.stream()
			.map((counted) -> new Busy(counted.name(), counted.count() * this.sampleEvery))
			.toList();
	}

	/**
	 * A busy name.
	 * @param name the record or event name
	 * @param messages about how many messages named it lately (sampled counts scaled up, halving every 30 seconds)
	 */
	public record Busy(String name, long messages) {

	}

}
