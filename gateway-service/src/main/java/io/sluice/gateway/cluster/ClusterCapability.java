package io.sluice.gateway.cluster;

/**
 * A capability whose state every gateway node holds a copy of (RPC providers, logged-in users): each node owns its
 * part and announces changes on its own bus topic, and {@link ClusterMembership} says when to send all of it and
 * when another node's part is to be forgotten. Called on the bus's or the membership timer's threads, maybe
 * concurrently.
 */
public interface ClusterCapability {

	/**
	 * Sends this node's full state to {@code node}, which just joined, or publishes it to every node when
	 * {@code node} is {@code null} (the periodic resync). Never blocks; what the bus loses, the next resync repairs.
	 */
	void sendState(String node);

	/** A node joined, left or expired; when it is {@linkplain MemberEvent#isGone() gone}, forget its state. */
	void memberChanged(MemberEvent event);

}
