package io.sluice.gateway.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import io.sluice.connector.BusMessage;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.ProtocolException;
import io.sluice.gateway.protocol.Topic;

/**
 * A capability that other nodes hear of through deepstream messages of one topic on a bus topic of its own: started
 * and stopped with the application (just before the membership starts, just after it stops), each message that
 * arrives decoded, checked to be of its topic and counted as a sign of life of the node that sent it before
 * {@link #onMessage} sees it. What is not such a message is logged and dropped.
 */
public abstract class ClusterRelay implements ClusterCapability, SmartLifecycle {

	private final Logger logger = LoggerFactory.getLogger(getClass());

	/** Which nodes are alive, and when this relay's state is to be sent. */
	protected final ClusterMembership membership;

	/** Where this relay's messages go to and come from. */
	protected final ClusterTopic topic;

	private final int messageTopic;

	/**
	 * @param busTopic the bus topic of this relay's messages
	 * @param messageTopic the deepstream topic every one of them has, one of {@link Topic}'s
	 */
	protected ClusterRelay(ClusterMembership membership, String busTopic, int messageTopic) {
		this.membership = membership;
		this.topic = membership.topic(busTopic);
		this.messageTopic = messageTopic;
	}

	/** A message of this relay's topic from {@code node}, which the membership has just heard from. */
	protected abstract void onMessage(String node, Message message);

	@Override
	public final void start() {
		this.topic.start(this::onBusMessage);
	}

	@Override
	public final void stop() {
		this.topic.stop();
	}

	@Override
	public final boolean isRunning() {
		return this.topic.isRunning();
	}

	@Override
	public final int getPhase() {
		return ClusterMembership.PHASE - 1;
	}

	/** What arrives on the bus topic, from another node. */
	public final void onBusMessage(BusMessage busMessage) {
		String node = busMessage.from();
		Message message;
		try {
			message = MessageCodec.decode(busMessage.payload());
		}
		catch (ProtocolException ex) {
			this.logger.warn("Dropping a message from node {} that is not a deepstream message: {}", node,
					ex.getMessage());
			return;
		}
		if (message.topic() != this.messageTopic) {
			this.logger.warn("Dropping {} from node {}: not {}", message, node, Topic.name(this.messageTopic));
			return;
		}
		this.membership.heard(node);
		onMessage(node, message);
	}

}
