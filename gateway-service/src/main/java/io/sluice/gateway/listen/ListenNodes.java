package io.sluice.gateway.listen;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The other gateway nodes, as listening on one topic sees them: which node decides who provides a name, and a way to
 * tell them what listening on this node does. {@link #NONE} when this node is alone, where every name is decided
 * here and nothing is sent. Every method is called under the registry's lock: none may block or call back.
 */
interface ListenNodes {

	ListenNodes NONE = new ListenNodes() {

		@Override
		public String owner(String name) {
			return null;
		}

		@Override
		public Set<String> others() {
			return Set.of();
		}

	};

	/** The node that decides who provides {@code name}, or {@code null} when this node does. */
	String owner(String name);

	/** The other nodes alive. */
	Set<String> others();

	/** Tells every node that a connection here listens on a pattern. */
	default void listened(Candidate listener) {
	}

	/** Tells every node that a connection here stopped listening on a pattern (or closed). */
	default void unlistened(Candidate listener) {
	}

	/** Tells every node, or {@code node} alone when not {@code null}, all the listeners here. */
	default void listeners(String node, Collection<Candidate> listeners) {
	}

	/**
	 * Tells {@code owner} that {@code names} have subscribers here; {@code all} when they are every name reported
	 * to it (what it holds beyond them is stale).
	 */
	default void subscribed(String owner, List<String> names, boolean all) {
	}

	/** Tells {@code owner} that {@code name} has no subscriber here any more. */
	default void unsubscribed(String owner, String name) {
	}

	/** Tells a subscriber {@code node} whether {@code name} has a provider. */
	default void providerChanged(String node, String name, boolean hasProvider) {
	}

	/** Asks the listener of another node (SUBSCRIPTION_FOR_PATTERN_FOUND) to provide {@code name}. */
	default void offer(Candidate listener, String name) {
	}

	/** Tells the listener of another node (SUBSCRIPTION_FOR_PATTERN_REMOVED) to stop providing {@code name}. */
	default void remove(Candidate listener, String name) {
	}

	/** Passes what a listener here answered to the {@code owner} of {@code name}. */
	default void answer(String owner, Candidate listener, String name, Answer answer) {
	}

	/** What a listener on one node says to the node that decides for a name. */
	enum Answer {

		/** LISTEN_ACCEPT. */
		ACCEPT,

		/** LISTEN_REJECT. */
		REJECT,

		/** It could not be asked: it stopped listening, closed, or subscribes to the name itself. */
		UNAVAILABLE,

		/** It provides the name already, by the word of a node that decided before: to keep, unless another does. */
		PROVIDING

	}

}
