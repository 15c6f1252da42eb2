package io.sluice.gateway.listen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.sluice.gateway.listen.ListenNodes.Answer;
import io.sluice.gateway.session.Connection;

/**
 * What a node keeps about the names other nodes decide for, and what it does with what they say. Guarded by the
 * registry's lock; every method is called under it.
 * <ul>
 * <li>As a subscriber's node: the names it reported to their owner (it has subscribers, and someone listens on a
 * matching pattern), and which of them have a provider, as the owner said.</li>
 * <li>As a listener's node: the names its listeners provide by another node's decision, so that they can be
 * claimed from the next owner when ownership moves (a node joins, leaves or dies, a partition heals).</li>
 * <li>As an owner: the listeners and subscriber nodes the others announce go to {@link RemoteListeners} and
 * {@link ProviderSearch#subscriberNodes}.</li>
 * </ul>
 */
final class ListenElsewhere {

	private final ListenRegistry registry;

	private final ProviderSearch search;

	/** The owner each name with subscribers here was reported to. */
	private final Map<String, String> reported = new HashMap<>();

	/** The reported names whose owner said they have a provider. */
	private final Set<String> provided = new HashSet<>();

	/** What listeners here accepted to provide for other nodes' names. */
	private final Set<Provided> providing = new LinkedHashSet<>();

	/**
	 * Claims of names this node does not decide for yet by its view of the membership: the sender learnt first
	 * that this node decides now. Applied when this node learns it too; dropped at each resync, which repeats them.
	 */
	private final Map<String, Candidate> earlyClaims = new HashMap<>();

	ListenElsewhere(ListenRegistry registry) {
		this.registry = registry;
		this.search = registry.search;
	}

	boolean isEmpty() {
		return this.reported.isEmpty() && this.providing.isEmpty();
	}

	boolean isProvided(String name) {
		return this.provided.contains(name);
	}

	private ListenNodes nodes() {
		return this.search.nodes;
	}

	// As a subscriber's node

	/** A connection here subscribed to a name {@code owner} decides for. */
	void subscribed(String owner, String name, Connection connection) {
		if (this.provided.contains(name)) {
			this.search.tellSubscriber(connection, name, true);
		}
		else {
			// Again even if reported: a new subscriber starts a round of asking at once, there as here.
			report(owner, name, true);
		}
	}

	/**
	 * Tells {@code owner} that {@code name} has subscribers here, when someone listens on a pattern that matches it
	 * and (unless {@code again}) it was not told already.
	 */
	void report(String owner, String name, boolean again) {
		if (!again && owner.equals(this.reported.get(name))) {
			return;
		}
		if (!this.registry.patterns.anyMatches(name) && !this.registry.remote.anyMatches(name)) {
			return;
		}
		this.reported.put(name, owner);
		nodes().subscribed(owner, List.of(name), false);
	}

	/** Tells {@code owner} in one message that those of {@code names} it was not told of have subscribers here. */
	void report(String owner, List<String> names) {
		List<String> news = new ArrayList<>(names.size());
		for (String name : names) {
			if (!owner.equals(this.reported.put(name, owner))) {
				news.add(name);
			}
		}
		if (!news.isEmpty()) {
			nodes().subscribed(owner, news, false);
		}
	}

	/** The last subscriber here left. */
	void unsubscribed(String name) {
		this.provided.remove(name);
		String owner = this.reported.remove(name);
		if (owner != null) {
			nodes().unsubscribed(owner, name);
		}
	}

	/** The owner of a name reported from here says whether it has a provider. */
	void providerChanged(String name, boolean hasProvider) {
		if (!this.reported.containsKey(name) || this.provided.contains(name) == hasProvider) {
			return;
		}
		if (hasProvider) {
			this.provided.add(name);
		}
		else {
			this.provided.remove(name);
		}
		this.search.tellLocalSubscribers(name, hasProvider);
	}

	// As a listener's node

	/** A listener here answered an offer of a name {@code owner} decides for. */
	void answered(String owner, Candidate candidate, String name, boolean accept) {
		if (!this.registry.patterns.isListening(candidate)) {
			if (accept) {
				this.search.send(candidate.connection(), ListenReplies.removed(this.registry.topic, candidate, name));
			}
			return;
		}
		if (accept) {
			this.providing.add(new Provided(candidate, name));
		}
		nodes().answer(owner, candidate, name, accept ? Answer.ACCEPT : Answer.REJECT);
	}

	/** A listener here unlistened or closed: what it provided for other nodes' names ends with it. */
	void ended(Candidate candidate) {
		this.providing.removeIf((provided) -> provided.candidate.equals(candidate));
	}

	/** An owner asks a listener here (by its connection id) to provide {@code name}. */
	void offered(String owner, String connectionId, String pattern, String name) {
		Connection connection = this.registry.patterns.connection(connectionId);
		Candidate candidate = (connection != null) ? new Candidate(connection, pattern) : null;
		if (candidate == null || !this.registry.patterns.isListening(candidate)
				|| this.registry.subscriptions.isSubscribed(name, connection)) {
			nodes().answer(owner, new Candidate(null, pattern, null, connectionId), name, Answer.UNAVAILABLE);
			return;
		}
		this.search.send(connection, ListenReplies.found(this.registry.topic, candidate, name));
	}

	/** An owner tells a listener here to stop providing {@code name}. */
	void removed(String connectionId, String pattern, String name) {
		Connection connection = this.registry.patterns.connection(connectionId);
		if (connection == null) {
			return;
		}
		Candidate candidate = new Candidate(connection, pattern);
		this.providing.remove(new Provided(candidate, name));
		if (this.registry.patterns.isListening(candidate)) {
			this.search.send(connection, ListenReplies.removed(this.registry.topic, candidate, name));
		}
	}

	// When ownership moves

	/**
	 * The live nodes changed, and with them the owner of some names: names no longer decided here are forgotten
	 * without a word (their providers claim them from the new owner), what listeners here provide is claimed from
	 * its owner, and what subscribers here wait for is reported to its owner.
	 */
	void ownersChanged() {
		ListenNodes nodes = nodes();
		List<String> handedOver = new ArrayList<>();
		new ArrayList<>(this.search.provisions.entrySet()).forEach((entry) -> {
			String name = entry.getKey();
			if (nodes.owner(name) != null) {
				Candidate provider = entry.getValue().provider;
				if (provider != null && provider.isLocal()) {
					this.providing.add(new Provided(provider, name));
				}
				if (provider != null) {
					// What the subscribers here were told, so that the new owner's word changes it only if it differs.
					this.provided.add(name);
				}
				this.search.forget(name);
				handedOver.add(name);
			}
		});
		this.search.subscriberNodes.keySet().removeIf((name) -> nodes.owner(name) != null);
		// Taken over: no one is asked until the providers had the time to claim their names.
		new ArrayList<>(this.reported.keySet()).forEach((name) -> {
			if (nodes.owner(name) == null) {
				this.reported.remove(name);
				this.search.takeOver(name, this.provided.remove(name));
			}
		});
		this.search.subscriberNodes.keySet().forEach((name) -> this.search.takeOver(name, false));
		claimAll();
		new ArrayList<>(this.earlyClaims.entrySet()).forEach((entry) -> {
			if (nodes.owner(entry.getKey()) == null) {
				this.earlyClaims.remove(entry.getKey());
				this.search.claimed(entry.getValue(), entry.getKey());
			}
		});
		new ArrayList<>(this.reported.entrySet()).forEach((entry) -> {
			String owner = nodes.owner(entry.getKey());
			if (!owner.equals(entry.getValue())) {
				report(owner, entry.getKey(), false);
			}
		});
		for (String name : handedOver) {
			if (!this.registry.subscriptions.subscribers(name).isEmpty()) {
				report(nodes.owner(name), name, false);
			}
		}
	}

	/** Claims what listeners here provide from the owner of each name; those decided here are taken back. */
	void claimAll() {
		for (Provided provided : new ArrayList<>(this.providing)) {
			String owner = nodes().owner(provided.name);
			if (owner == null) {
				this.providing.remove(provided);
				this.search.claimed(provided.candidate, provided.name);
			}
			else {
				nodes().answer(owner, provided.candidate, provided.name, Answer.PROVIDING);
			}
		}
	}

	/** Every name reported to {@code owner}. */
	List<String> reportedTo(String owner) {
		List<String> names = new ArrayList<>();
		this.reported.forEach((name, to) -> {
			if (to.equals(owner)) {
				names.add(name);
			}
		});
		return names;
	}

	// As an owner, and as any node: what the others announce

	/** A listener on {@code node} arrived. */
	void listened(String node, String connectionId, String pattern) {
		Candidate candidate = this.registry.remote.add(node, connectionId, pattern);
		if (candidate != null) {
			this.registry.listenerArrived(candidate, this.registry.remote.regex(candidate));
		}
	}

	/** A listener on {@code node} unlistened or closed. */
	void unlistened(String node, String connectionId, String pattern) {
		Candidate candidate = this.registry.remote.remove(node, connectionId, pattern);
		if (candidate != null) {
			this.search.gone(candidate::equals);
		}
	}

	/** All the listeners of {@code node}, as connection id and pattern in turn: what is not among them has ended. */
	void listenersOf(String node, List<String> pairs) {
		Set<Candidate> now = new LinkedHashSet<>();
		for (int i = 0; i + 1 < pairs.size(); i += 2) {
			now.add(Candidate.remote(node, pairs.get(i), pairs.get(i + 1)));
		}
		for (Candidate known : this.registry.remote.of(node)) {
			if (!now.contains(known)) {
				unlistened(node, known.connectionId(), known.pattern());
			}
		}
		now.forEach((candidate) -> listened(node, candidate.connectionId(), candidate.pattern()));
	}

	/** {@code node} has subscribers of {@code names}; when {@code all}, of no other name this node decides for. */
	void subscribedThere(String node, List<String> names, boolean all) {
		if (all) {
			Set<String> still = new HashSet<>(names);
			new ArrayList<>(this.search.subscriberNodes.entrySet()).forEach((entry) -> {
				if (entry.getValue().contains(node) && !still.contains(entry.getKey())) {
					unsubscribedThere(node, entry.getKey());
				}
			});
		}
		for (String name : names) {
			// Kept even when not decided here by this node's view: the sender may have learnt of a change of the
			// membership first. If this node does not learn of it, the entry goes with its next change.
			this.search.subscriberNodes.computeIfAbsent(name, (key) -> new HashSet<>()).add(node);
			if (nodes().owner(name) == null) {
				this.search.search(name);
				Provision provision = this.search.provisions.get(name);
				// In a handover the answer comes when it ends.
				if (provision == null || !provision.handover) {
					nodes().providerChanged(node, name, provision != null && provision.provider != null);
				}
			}
		}
	}

	/** {@code node} has no subscriber of {@code name} any more. */
	void unsubscribedThere(String node, String name) {
		Set<String> nodes = this.search.subscriberNodes.get(name);
		if (nodes == null || !nodes.remove(node)) {
			return;
		}
		if (nodes.isEmpty()) {
			this.search.subscriberNodes.remove(name);
		}
		if (!this.search.hasSubscribers(name)) {
			this.search.release(name);
		}
	}

	/** A listener on another node answered an offer, or claims a name it provides. */
	void answeredThere(Candidate candidate, String name, Answer answer) {
		if (nodes().owner(name) != null) {
			// The sender's view of the membership differs for now. A claim waits for this node to learn what the
			// sender learnt first; the rest was sent to the node that decided before, and is repeated as claims.
			if (answer == Answer.PROVIDING) {
				this.earlyClaims.put(name, candidate);
			}
			return;
		}
		switch (answer) {
			case ACCEPT -> this.search.accepted(candidate, name);
			case REJECT -> this.search.rejected(candidate, name);
			case UNAVAILABLE -> this.search.unavailable(candidate, name);
			case PROVIDING -> this.search.claimed(candidate, name);
		}
	}

	/** {@code node} left or expired: its listeners and subscribers are gone. */
	void nodeGone(String node) {
		if (this.registry.remote.removeNode(node)) {
			this.search.gone((candidate) -> candidate.isOn(node));
		}
		this.earlyClaims.values().removeIf((candidate) -> candidate.isOn(node));
		new ArrayList<>(this.search.subscriberNodes.keySet()).forEach((name) -> unsubscribedThere(node, name));
	}

	/**
	 * At each resync ({@code node} is {@code null}): sends this node's listeners to all, every owner the names
	 * reported to it and the claims, and forgets the names decided here that no one subscribes to any more.
	 */
	void sendState(String node) {
		if (node != null) {
			// Sent when it joined (ListenRelay#memberChanged), ahead of the claims.
			return;
		}
		nodes().listeners(null, this.registry.patterns.all());
		for (String owner : nodes().others()) {
			nodes().subscribed(owner, reportedTo(owner), true);
		}
		claimAll();
		this.earlyClaims.clear();
		new ArrayList<>(this.search.provisions.keySet()).forEach((name) -> {
			if (!this.search.hasSubscribers(name)) {
				this.search.release(name);
			}
		});
	}

	private record Provided(Candidate candidate, String name) {

	}

}
