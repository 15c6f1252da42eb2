package io.sluice.gateway.listen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.session.Connection;

/**
 * Listening on one topic: clients listen on a pattern, and when a name matching it gets a subscriber while no one
 * provides it the listeners are asked, one at a time, whether they will provide it (SUBSCRIPTION_FOR_PATTERN_FOUND).
 * The first to accept is the provider until the last subscriber leaves (SUBSCRIPTION_FOR_PATTERN_REMOVED) or it goes
 * away, when the others are asked again. A reject, or no answer within {@code response-timeout}, moves on to the next
 * listener; when all declined they are asked again after {@code rematch-interval}, and a listener that rejected is
 * not asked for that name again within {@code match-cooldown}. Record subscribers hear whether there is a provider.
 *
 * <p>What is kept about a name lasts only while it has subscribers, and what is kept about a listener only while it
 * listens: a name that loses its last subscriber, a provider that goes away, a listener that closes or unlistens
 * leave nothing behind that could make later listeners or subscribers wait.
 *
 * <p>Across gateway nodes ({@link ListenRelay}): every node knows every node's listeners, and each name is decided by
 * one node, its owner, which asks the listeners of all nodes; the other nodes report to it that they have
 * subscribers, and hear from it whether there is a provider ({@link ListenElsewhere}). Alone, every name is decided
 * here and nothing goes to the bus.
 *
 * <p>Thread-safe: every change is made under one lock, without I/O; what is to be sent to clients is queued in order
 * and sent after the lock is released ({@link Outbox}).
 */
public final class ListenRegistry implements Subscriptions.Listener {

	private static final Logger logger = LoggerFactory.getLogger(ListenRegistry.class);

	final ListenTopic topic;

	final Subscriptions subscriptions;

	final ListenPatterns patterns = new ListenPatterns();

	final RemoteListeners remote = new RemoteListeners();

	final Outbox outbox = new Outbox();

	final Object lock = new Object();

	final ProviderSearch search;

	final ListenElsewhere elsewhere;

	/**
	 * Whether anyone listens on this topic, here or on another node, or this node reported names to another: read
	 * without the lock so that subscriptions on a topic no one listens on (the usual case) never take it. A
	 * subscription added before a listener's scan of the names is found by the scan; one added after it reads this as
	 * {@code true}.
	 */
	private volatile boolean active;

	/**
	 * @param subscriptions the topic's subscriptions, which must tell this registry of their changes
	 * @param scheduler where response timeouts and rematches run
	 */
	public ListenRegistry(ListenTopic topic, Subscriptions subscriptions, ListenProperties properties,
			Scheduler scheduler) {
		this.topic = topic;
		this.subscriptions = subscriptions;
		this.search = new ProviderSearch(topic, subscriptions, this.patterns, this.remote, properties, scheduler,
				this.outbox, this.lock);
		this.elsewhere = new ListenElsewhere(this);
	}

	/** Makes this registry one of a cluster's: before any client is connected. */
	void attach(ListenNodes nodes) {
		synchronized (this.lock) {
			this.search.nodes = nodes;
		}
	}

	/** LISTEN, UNLISTEN, LISTEN_ACCEPT and LISTEN_REJECT. */
	public void handle(Connection connection, Message message) {
		int action = message.action();
		if (action == this.topic.listen) {
			listen(connection, message);
		}
		else if (action == this.topic.unlisten) {
			synchronized (this.lock) {
				unlisten(connection, message);
			}
		}
		else if (action == this.topic.accept || action == this.topic.reject) {
			if (message.subscription() == null || message.name() == null) {
				logger.debug("Ignoring {} without a pattern and a name", message);
				return;
			}
			Candidate candidate = new Candidate(connection, message.name());
			String name = message.subscription();
			synchronized (this.lock) {
				String owner = this.search.nodes.owner(name);
				if (owner != null) {
					this.elsewhere.answered(owner, candidate, name, action == this.topic.accept);
				}
				else if (action == this.topic.accept) {
					this.search.accepted(candidate, name);
				}
				else {
					this.search.rejected(candidate, name);
				}
			}
		}
		this.outbox.drain();
	}

	/** Whether someone provides {@code name}, on any node. */
	public boolean hasProvider(String name) {
		if (!this.active) {
			return false;
		}
		synchronized (this.lock) {
			Provision provision = this.search.provisions.get(name);
			return (provision != null && provision.provider != null) || this.elsewhere.isProvided(name);
		}
	}

	/** The patterns listened on at this node, each with how many of its connections listen on it, sorted. */
	public Map<String, Integer> listeners() {
		synchronized (this.lock) {
			return this.patterns.listenerCounts();
		}
	}

	/** The names being provided or searched for here: for tests, which check that nothing outlives its cause. */
	Set<String> trackedNames() {
		synchronized (this.lock) {
			return Set.copyOf(this.search.provisions.keySet());
		}
	}

	@Override
	public void subscribed(String name, Connection connection) {
		if (!this.active) {
			return;
		}
		synchronized (this.lock) {
			String owner = this.search.nodes.owner(name);
			if (owner != null) {
				this.elsewhere.subscribed(owner, name, connection);
			}
			else {
				Provision provision = this.search.provisions.get(name);
				if (provision != null && provision.provider != null) {
					this.search.tellSubscriber(connection, name, true);
				}
				else {
					// A subscriber to a name no one provides starts a round of asking at once, unless one is under
					// way: a rematch left waiting by an earlier round (perhaps for subscribers who have left since)
					// does not make it wait.
					this.search.search(name);
				}
			}
		}
		this.outbox.drain();
	}

	@Override
	public void lastUnsubscribed(String name) {
		// Nothing listens and nothing was reported, so there is nothing to forget.
		if (!this.active) {
			return;
		}
		synchronized (this.lock) {
			// Changes reach here in any order: only what is true now counts.
			if (this.subscriptions.subscribers(name).isEmpty()) {
				this.elsewhere.unsubscribed(name);
				if (!this.search.hasSubscribers(name)) {
					this.search.release(name);
				}
			}
			changed();
		}
		this.outbox.drain();
	}

	/** Forgets a closed connection as a listener; its subscriptions are forgotten through {@link Subscriptions}. */
	public void onClose(Connection connection) {
		synchronized (this.lock) {
			Set<String> patterns = this.patterns.removeAll(connection);
			if (!patterns.isEmpty()) {
				patterns.forEach((pattern) -> ended(new Candidate(connection, pattern)));
				this.search.gone((candidate) -> candidate.is(connection) && patterns.contains(candidate.pattern()));
				changed();
			}
		}
		this.outbox.drain();
	}

	private void listen(Connection connection, Message message) {
		String pattern = message.name();
		Pattern regex;
		try {
			regex = ListenPatterns.compile(pattern);
		}
		catch (PatternSyntaxException ex) {
			connection.send(ListenReplies.invalidRegex(this.topic, pattern, ex.getDescription()));
			return;
		}
		synchronized (this.lock) {
			if (!this.patterns.add(connection, pattern, regex)) {
				this.search.send(connection, ListenReplies.refused(this.topic, this.topic.multipleSubscriptions, message));
				return;
			}
			this.active = true;
			this.search.send(connection, ListenReplies.ack(this.topic, this.topic.listen, pattern));
			Candidate candidate = new Candidate(connection, pattern);
			this.search.nodes.listened(candidate);
			listenerArrived(candidate, regex);
		}
	}

	/**
	 * A listener arrived here or on another node: each subscribed name it matches that this node decides for is
	 * offered to it, and each that another node decides for is reported there.
	 */
	void listenerArrived(Candidate candidate, Pattern regex) {
		this.active = true;
		Map<String, List<String>> reports = new HashMap<>();
		for (String name : new ArrayList<>(this.subscriptions.names())) {
			if (ListenPatterns.matches(regex, name)) {
				String owner = this.search.nodes.owner(name);
				if (owner == null) {
					this.search.listenerArrived(name, candidate);
				}
				else {
					reports.computeIfAbsent(owner, (key) -> new ArrayList<>()).add(name);
				}
			}
		}
		reports.forEach(this.elsewhere::report);
		for (String name : new ArrayList<>(this.search.subscriberNodes.keySet())) {
			if (this.subscriptions.subscribers(name).isEmpty() && ListenPatterns.matches(regex, name)) {
				this.search.listenerArrived(name, candidate);
			}
		}
	}

	private void unlisten(Connection connection, Message message) {
		String pattern = message.name();
		if (!this.patterns.remove(connection, pattern)) {
			this.search.send(connection, ListenReplies.refused(this.topic, this.topic.notSubscribed, message));
			return;
		}
		this.search.send(connection, ListenReplies.ack(this.topic, this.topic.unlisten, pattern));
		ended(new Candidate(connection, pattern));
		this.search.gone((candidate) -> candidate.is(connection) && candidate.pattern().equals(pattern));
		changed();
	}

	/** A listener here unlistened or closed: the other nodes hear of it, and what it provided elsewhere ends. */
	private void ended(Candidate candidate) {
		this.search.nodes.unlistened(candidate);
		this.elsewhere.ended(candidate);
	}

	/** Applies what another node said, or a change of the membership: under the lock, then sends. */
	void fromNodes(Runnable change) {
		synchronized (this.lock) {
			change.run();
			changed();
		}
		this.outbox.drain();
	}

	/**
	 * After a listener left or a report ended: when no one listens on any node and nothing is reported either way,
	 * every tracked name is forgotten (no one is left to provide or be asked), so that nothing of this round waits
	 * for the next listeners, and subscriptions need not take the lock.
	 */
	void changed() {
		if (this.patterns.isEmpty() && this.remote.isEmpty()) {
			this.search.clear();
			this.active = !this.elsewhere.isEmpty() || !this.search.subscriberNodes.isEmpty();
		}
		else {
			this.active = true;
		}
	}

}
