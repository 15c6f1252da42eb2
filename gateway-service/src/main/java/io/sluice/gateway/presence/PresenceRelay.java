package io.sluice.gateway.presence;

import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.gateway.cluster.ClusterMembership;
import io.sluice.gateway.cluster.ClusterRelay;
import io.sluice.gateway.cluster.MemberEvent;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.PresenceAction;
import io.sluice.gateway.protocol.Topic;

/**
 * Presence between gateway nodes over the bus topic {@value #BUS_TOPIC}, where every payload is an encoded presence
 * message: {@code PRESENCE_JOIN}/{@code PRESENCE_LEAVE}, published in order, when a user gets their first or loses
 * their last connection on a node. This node's full list, as a {@code QUERY_ALL_RESPONSE} whose correlation id is
 * {@value #STATE}, goes to a node that joins and to all at each resync, when the {@link ClusterMembership} says so.
 * When the membership says a node left or expired, its users are offline.
 */
public final class PresenceRelay extends ClusterRelay implements PresenceNodes {

	/** The coarse bus topic presence travels on between nodes. */
	public static final String BUS_TOPIC = "presence";

	static final String STATE = "state";

	private static final Logger logger = LoggerFactory.getLogger(PresenceRelay.class);

	private PresenceHandler handler;

	PresenceRelay(ClusterMembership membership) {
		super(membership, BUS_TOPIC, Topic.PRESENCE);
	}

	/** Completes the wiring: what arrives goes to the handler, and the membership is heard from now on. */
	void attach(PresenceHandler handler) {
		this.handler = handler;
		this.membership.subscribe(this);
	}

	@Override
	public void joined(String user) {
		this.topic.publish(encode(Message.builder(Topic.PRESENCE, PresenceAction.PRESENCE_JOIN).name(user)));
	}

	@Override
	public void left(String user) {
		this.topic.publish(encode(Message.builder(Topic.PRESENCE, PresenceAction.PRESENCE_LEAVE).name(user)));
	}

	@Override
	public void sendState(String node) {
		byte[] state = encode(Message.builder(Topic.PRESENCE, PresenceAction.QUERY_ALL_RESPONSE).correlationId(STATE)
			.names(List.copyOf(this.handler.usersHere())));
		this.topic.sendState(node, state);
	}

	@Override
	public void memberChanged(MemberEvent event) {
		if (event.isGone()) {
			logger.debug("The users of gateway node {} are offline ({})", event.node(), event.kind());
			this.handler.nodeState(event.node(), Set.of());
		}
	}

	@Override
	protected void onMessage(String node, Message message) {
		switch (message.action()) {
			case PresenceAction.PRESENCE_JOIN -> this.handler.nodeJoined(node, message.name());
			case PresenceAction.PRESENCE_LEAVE -> this.handler.nodeLeft(node, message.name());
			case PresenceAction.QUERY_ALL_RESPONSE -> this.handler.nodeState(node, Set.copyOf(message.names()));
			default -> logger.debug("Ignoring {} from node {}", message, node);
		}
	}

	private static byte[] encode(Message.Builder message) {
		return MessageCodec.encode(message.build());
	}

}
