package io.sluice.gateway.admin;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

import io.sluice.gateway.cluster.ClusterMembership;
import io.sluice.gateway.listen.ListeningTopicHandler;
import io.sluice.gateway.metrics.GatewayCounters;
import io.sluice.gateway.metrics.NameSampler;
import io.sluice.gateway.rpc.RpcHandler;

/**
 * What the admin page shows, read from the gateway at the moment it is asked: the nodes, this node's connections and
 * counts (the page works out rates from two snapshots), the busiest names, RPC providers, listeners and the storage
 * queue's lag. Only reads; each part is bounded ({@value #MAX_ROWS} rows at most), so a gateway with many names
 * answers with the first ones and the total.
 */
final class AdminSnapshot {

	/** The most rows a list of the snapshot has. */
	static final int MAX_ROWS = 100;

	/** How many of the busiest names are shown. */
	static final int BUSIEST = 10;

	private final Sources sources;

	private final Clock clock;

	AdminSnapshot(Sources sources, Clock clock) {
		this.sources = sources;
		this.clock = clock;
	}

	/** The snapshot, as JSON-ready maps and lists. */
	Map<String, Object> take() {
		Map<String, Object> snapshot = new LinkedHashMap<>();
		snapshot.put("node", this.sources.membership.nodeId());
		snapshot.put("time", this.clock.millis());
		snapshot.put("nodes", nodes());
		GatewayCounters.Totals totals = GatewayCounters.totals();
		Map<String, Object> counts = new LinkedHashMap<>();
		counts.put("messagesIn", totals.messagesIn());
		counts.put("messagesOut", totals.messagesOut());
		counts.put("fanoutDeliveries", totals.fanoutDeliveries());
		counts.put("connectionsOpened", totals.connectionsOpened());
		snapshot.put("totals", counts);
		snapshot.put("busiest", busiest());
		snapshot.put("rpcProviders", rows(this.sources.rpc.provided().stream()
			.map((provided) -> row("name", provided.name(), "here", provided.here(), "nodes", provided.nodes()))
			.toList()));
		Map<String, Object> listeners = new LinkedHashMap<>();
		listeners.put("record", listeners(this.sources.records));
		listeners.put("event", listeners(this.sources.events));
		snapshot.put("listeners", listeners);
		snapshot.put("storage", storage());
		return snapshot;
	}

	private List<Map<String, Object>> nodes() {
		List<Map<String, Object>> nodes = new ArrayList<>();
		Map<String, Object> self = row("id", this.sources.membership.nodeId(), "self", true, "health", "up",
				"lastHeardMillis", 0L);
		self.put("connections", this.sources.connections.getAsInt());
		nodes.add(self);
		Duration expiry = this.sources.membership.expiry();
		Map<String, NodeLoads.Load> loads = this.sources.loads.others();
		for (Map.Entry<String, Duration> other : this.sources.membership.sinceHeard().entrySet()) {
			// Alive until it expires; "late" once it has been silent for half the time after which it expires.
			boolean late = other.getValue().compareTo(expiry.dividedBy(2)) > 0;
			Map<String, Object> node = row("id", other.getKey(), "self", false, "health", late ? "late" : "up",
					"lastHeardMillis", other.getValue().toMillis());
			NodeLoads.Load load = loads.get(other.getKey());
			node.put("connections", (load != null) ? load.connections() : null);
			nodes.add(node);
		}
		return nodes;
	}

	private Map<String, Object> busiest() {
		NameSampler sampler = this.sources.sampler;
		Map<String, Object> busiest = new LinkedHashMap<>();
		busiest.put("sampleEvery", sampler.sampleEvery());
		busiest.put("records", sampler.busiestRecords(BUSIEST)
			.stream()
			.map((busy) -> row("name", busy.name(), "messages", busy.messages()))
			.toList());
		busiest.put("events", sampler.busiestEvents(BUSIEST)
			.stream()
			.map((busy) -> row("name", busy.name(), "messages", busy.messages()))
			.toList());
		return busiest;
	}

	private static Map<String, Object> listeners(ListeningTopicHandler handler) {
		if (handler == null) {
			return rows(List.of());
		}
		return rows(handler.listening()
			.listeners()
			.entrySet()
			.stream()
			.map((entry) -> row("pattern", entry.getKey(), "listeners", entry.getValue()))
			.toList());
	}

	private Map<String, Object> storage() {
		Map<String, Object> storage = new LinkedHashMap<>();
		storage.put("lagWrites", this.sources.meters.value("sluice.worker.lag"));
		storage.put("oldestUnstoredSeconds", this.sources.meters.value("sluice.worker.oldest.unstored.age"));
		storage.put("backlogBytes", this.sources.meters.value("sluice.queue.backlog"));
		storage.put("journalBytes", this.sources.meters.value("sluice.queue.journal.size"));
		return storage;
	}

	/** The first {@value #MAX_ROWS} of {@code all}, with how many there are. */
	private static Map<String, Object> rows(List<Map<String, Object>> all) {
		return row("total", all.size(), "rows", all.subList(0, Math.min(MAX_ROWS, all.size())));
	}

	private static Map<String, Object> row(Object... keysAndValues) {
		Map<String, Object> row = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			row.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return row;
	}

	/** Reads a meter of this process by name: its value summed over its tags, or {@code null} when it has none. */
	@FunctionalInterface
	interface Meters {

		Meters NONE = (name) -> null;

		Double value(String name);

	}

	/**
	 * Where the snapshot reads from.
	 * @param membership the nodes
	 * @param connections this node's open connections
	 * @param loads the other nodes' connections, as they said
	 * @param sampler the busiest names
	 * @param rpc the RPC providers
	 * @param records the record topic's listening, or {@code null}
	 * @param events the event topic's listening, or {@code null}
	 * @param meters the storage queue's meters, where the process has them
	 */
	record Sources(ClusterMembership membership, IntSupplier connections, NodeLoads loads, NameSampler sampler,
			RpcHandler rpc, ListeningTopicHandler records, ListeningTopicHandler events, Meters meters) {

	}

}
