package io.sluice.gateway.rpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.gateway.cluster.ClusterMembership;
import io.sluice.gateway.cluster.ClusterRelay;
import io.sluice.gateway.cluster.MemberEvent;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

/**
 * RPC between gateway nodes over the bus topic {@value #BUS_TOPIC}, where every payload is an encoded RPC message.
 * Published to all: {@code PROVIDE}/{@code UNPROVIDE} with the names a node gained its first or lost its last
 * provider of. This node's full list, as a {@code PROVIDE} whose correlation id is {@value #STATE}, goes to a node
 * that joins and to all at each resync, when the {@link ClusterMembership} says so. Sent to one node: the messages
 * of calls routed between them. When the membership says a node left or expired, its providers are forgotten and
 * its calls fail.
 */
public final class RpcRelay extends ClusterRelay implements RpcNodes {

	/** The coarse bus topic RPC travels on between nodes. */
	public static final String BUS_TOPIC = "rpc";

	static final String STATE = "state";

	private static final Logger logger = LoggerFactory.getLogger(RpcRelay.class);

	private final ConcurrentHashMap<String, Set<String>> namesByNode = new ConcurrentHashMap<>();

	private RpcHandler handler;

	private LocalProviders providers;

	RpcRelay(ClusterMembership membership) {
		super(membership, BUS_TOPIC, Topic.RPC);
	}

	/**
	 * Completes the wiring: the relay hands what arrives to the handler, announces its providers, and hears from the
	 * membership from now on.
	 */
	void attach(RpcHandler handler, LocalProviders providers) {
		this.handler = handler;
		this.providers = providers;
		this.membership.subscribe(this);
	}

	@Override
	public List<String> providing(String name) {
		List<String> nodes = new ArrayList<>(1);
		for (Map.Entry<String, Set<String>> entry : this.namesByNode.entrySet()) {
			if (entry.getValue().contains(name)) {
				nodes.add(entry.getKey());
			}
		}
		return nodes;
	}

	@Override
	public void send(String node, Message message) {
		this.topic.send(node, MessageCodec.encode(message));
	}

	@Override
	public void send(String node, byte[] frame) {
		this.topic.send(node, frame);
	}

	@Override
	public void provided(List<String> names) {
		this.topic.publish(names(RpcAction.PROVIDE, null, names));
	}

	@Override
	public void unprovided(List<String> names) {
		this.topic.publish(names(RpcAction.UNPROVIDE, null, names));
	}

	/** The names each other node said it provides: a copy. */
	Map<String, Set<String>> providedElsewhere() {
		Map<String, Set<String>> copy = new HashMap<>();
		this.namesByNode.forEach((node, names) -> copy.put(node, Set.copyOf(names)));
		return copy;
	}

	@Override
	public void sendState(String node) {
		byte[] state = names(RpcAction.PROVIDE, STATE, this.providers.names());
		this.topic.sendState(node, state);
	}

	@Override
	public void memberChanged(MemberEvent event) {
		if (event.isGone()) {
			logger.debug("Forgetting the RPC providers of gateway node {} ({})", event.node(), event.kind());
			this.namesByNode.remove(event.node());
			this.handler.endpointGone(new RpcEndpoint.Node(event.node(), this));
		}
	}

	@Override
	protected void onMessage(String node, Message message) {
		switch (message.action()) {
			case RpcAction.PROVIDE -> onProvide(node, message);
			case RpcAction.UNPROVIDE -> {
				Set<String> names = this.namesByNode.get(node);
				if (names != null) {
					message.names().forEach(names::remove);
				}
			}
			case RpcAction.REQUEST -> this.handler.request(new RpcEndpoint.Node(node, this), message, false);
			case RpcAction.ACCEPT, RpcAction.REJECT, RpcAction.RESPONSE, RpcAction.REQUEST_ERROR,
					RpcAction.NO_RPC_PROVIDER, RpcAction.ACCEPT_TIMEOUT, RpcAction.RESPONSE_TIMEOUT ->
				this.handler.fromProvider(new RpcEndpoint.Node(node, this), message);
			default -> logger.debug("Ignoring {} from node {}", message, node);
		}
	}

	private void onProvide(String node, Message message) {
		if (STATE.equals(message.correlationId())) {
			Set<String> names = ConcurrentHashMap.newKeySet();
			names.addAll(message.names());
			this.namesByNode.put(node, names);
			return;
		}
		this.namesByNode.computeIfAbsent(node, (key) -> ConcurrentHashMap.newKeySet()).addAll(message.names());
	}

	private static byte[] names(int action, String correlationId, List<String> names) {
		return MessageCodec.encode(Message.builder(Topic.RPC, action).correlationId(correlationId).names(names).build());
	}

}
