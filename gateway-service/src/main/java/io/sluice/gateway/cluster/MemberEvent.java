package io.sluice.gateway.cluster;

import java.util.Objects;

/**
 * A change in which gateway nodes are alive, as this node sees it.
 *
 * @param kind what happened
 * @param node the node it happened to
 */
public record MemberEvent(Kind kind, String node) {

	public MemberEvent {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(node, "node");
	}

	/** Whether the node is gone, and what it said should be forgotten. */
	public boolean isGone() {
		return this.kind != Kind.JOINED;
	}

	/** What happened to a node. */
	public enum Kind {

		/** It started and said hello, or was heard from while unknown (it started before this node). */
		JOINED,

		/** It said it is leaving (a graceful stop), or this node stopped and so left all of them. */
		LEFT,

		/** It missed its heartbeats. */
		EXPIRED

	}

}
