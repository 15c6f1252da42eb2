package io.sluice.gateway.history;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.sluice.connector.Retention;

/**
 * Which event names keep history, and with what retention. A name is matched against the patterns once; the answer
 * (a retention, or none) is remembered, so that publishing to a name costs one map lookup after its first event.
 * With no stream configured no name is looked up at all.
 */
public final class HistoryStreams {

	/**
	 * How many names' answers are remembered. Beyond it they are all forgotten and found again: names are usually a
	 * bounded set, and a workload of ever-new names pays a pattern match per event rather than unbounded memory.
	 */
	static final int MAX_REMEMBERED = 100_000;

	/** The answer for a name that matches no stream: a map cannot hold {@code null}. */
	private static final Kept NONE = new Kept(null, false);

	private final List<Pattern> patterns;

	/** Per pattern, what its names keep. */
	private final List<Kept> kept;

	private final ConcurrentHashMap<String, Kept> known = new ConcurrentHashMap<>();

	public HistoryStreams(HistoryProperties properties) {
		this.patterns = properties.streams().stream().map(HistoryProperties.Stream::compiled).toList();
		this.kept = properties.streams().stream().map((stream) -> new Kept(stream.retention(), stream.store())).toList();
	}

	/**
	 * Refuses history kept in each node's memory when a message bus shares events between nodes: every node would
	 * number a stream's events on its own, giving different events the same offset under one epoch (and, with a
	 * store, continuing from the same stored position).
	 * @param historyType {@code sluice.history.type}
	 * @param busType {@code sluice.bus.type}
	 * @throws IllegalStateException naming both properties and what to choose instead
	 */
	public static void checkSharedAcrossNodes(String historyType, String busType) {
		if ("memory".equalsIgnoreCase(historyType.trim()) && !"memory".equalsIgnoreCase(busType.trim())) {
			throw new IllegalStateException("sluice.history.streams is set with sluice.history.type=memory, which keeps "
					+ "each node's history apart, but sluice.bus.type=" + busType.trim() + " shares events between "
					+ "nodes: each node would give the same offsets to different events. Set sluice.history.type to "
					+ "redis, sql or mongodb, which every node shares");
		}
	}

	/** Whether any name keeps history. */
	public boolean any() {
		return !this.patterns.isEmpty();
	}

	/** The retention of {@code name}'s history, or {@code null} when its events keep none. */
	public Retention retention(String name) {
		return kept(name).retention();
	}

	/**
	 * Whether {@code name}'s events are also kept in the store ({@code store}, true unless a stream says otherwise); a
	 * name that keeps no history is not.
	 */
	public boolean stored(String name) {
		return kept(name).stored();
	}

	private Kept kept(String name) {
		if (this.patterns.isEmpty()) {
			return NONE;
		}
		Kept kept = this.known.get(name);
		if (kept == null) {
			kept = match(name);
			if (this.known.size() >= MAX_REMEMBERED) {
				this.known.clear();
			}
			this.known.put(name, kept);
		}
		return kept;
	}

	private Kept match(String name) {
		for (int i = 0; i < this.patterns.size(); i++) {
			if (this.patterns.get(i).matcher(name).matches()) {
				return this.kept.get(i);
			}
		}
		return NONE;
	}

	/** What a stream's names keep: their retention ({@code null}: nothing), and whether in the store too. */
	private record Kept(Retention retention, boolean stored) {
	}

}
