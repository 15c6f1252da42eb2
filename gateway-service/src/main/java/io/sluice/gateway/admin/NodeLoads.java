package io.sluice.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import io.sluice.connector.BusMessage;
import io.sluice.gateway.cluster.ClusterCapability;
import io.sluice.gateway.cluster.ClusterMembership;
import io.sluice.gateway.cluster.ClusterTopic;
import io.sluice.gateway.cluster.MemberEvent;

/**
 * How many connections each gateway node has, for the admin page: every node with the page enabled says its count on
 * bus topic {@value #BUS_TOPIC} whenever the membership has it send its state (to a node that joined, and at every
 * resync), and keeps what the others said until they are gone. A count is as old as the last resync; a node without
 * the page enabled says nothing, and shows no count.
 */
final class NodeLoads implements ClusterCapability, SmartLifecycle {

	static final String BUS_TOPIC = "admin";

	private static final String PREFIX = "connections=";

	private static final Logger logger = LoggerFactory.getLogger(NodeLoads.class);

	private final ClusterMembership membership;

	private final ClusterTopic topic;

	private final IntSupplier connections;

	private final Map<String, Load> byNode = new ConcurrentHashMap<>();

	/** @param connections this node's open connections */
	NodeLoads(ClusterMembership membership, IntSupplier connections) {
		this.membership = membership;
		this.topic = membership.topic(BUS_TOPIC);
		this.connections = connections;
		membership.subscribe(this);
	}

	/** What the other nodes said, by node. */
	Map<String, Load> others() {
		return Map.copyOf(this.byNode);
	}

	@Override
	public void sendState(String node) {
		byte[] state = (PREFIX + this.connections.getAsInt()).getBytes(StandardCharsets.US_ASCII);
		this.topic.sendState(node, state);
	}

	@Override
	public void memberChanged(MemberEvent event) {
		if (event.isGone()) {
			this.byNode.remove(event.node());
		}
	}

	void onBusMessage(BusMessage message) {
		String text = new String(message.payload(), StandardCharsets.US_ASCII);
		int count;
		try {
			count = text.startsWith(PREFIX) ? Integer.parseInt(text.substring(PREFIX.length())) : -1;
		}
		catch (NumberFormatException ex) {
			count = -1;
		}
		if (count < 0) {
			logger.warn("Dropping a message on bus topic {} from node {}: not a connection count", BUS_TOPIC,
					message.from());
			return;
		}
		this.membership.heard(message.from());
		this.byNode.put(message.from(), new Load(count));
	}

	@Override
	public void start() {
		this.topic.start(this::onBusMessage);
	}

	@Override
	public void stop() {
		this.topic.stop();
		this.byNode.clear();
	}

	@Override
	public boolean isRunning() {
		return this.topic.isRunning();
	}

	/** With the other capabilities: before the membership starts, after it stops. */
	@Override
	public int getPhase() {
		return ClusterMembership.PHASE - 1;
	}

	/** What a node said of itself. @param connections its open connections */
	record Load(int connections) {

	}

}
