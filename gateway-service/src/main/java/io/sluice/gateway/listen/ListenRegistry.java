package io.sluice.gateway.listen;

import java.util.ArrayList;
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
 * <p>This node's listeners and subscribers only. A cluster-wide registry would take the same decisions with the
 * candidates of every node, holding the lock per name on the bus topic {@code listen}: what the decisions read and
 * change is kept in {@link Provision} per name for that reason.
 *
 * <p>Thread-safe: every change is made under one lock, without I/O; what is to be sent is queued in order and sent
 * after the lock is released ({@link Outbox}).
 */
public final class ListenRegistry implements Subscriptions.Listener {

	private static final Logger logger = LoggerFactory.getLogger(ListenRegistry.class);

	private final ListenTopic topic;

	private final Subscriptions subscriptions;

	private final ListenPatterns patterns = new ListenPatterns();

	private final Outbox outbox = new Outbox();

	private final Object lock = new Object();

	private final ProviderSearch search;

	/**
	 * Whether anyone listens on this topic; read without the lock so that subscriptions on a topic no one listens on
	 * (the usual case) never take it. A subscription added before a listener's scan of the names is found by the scan;
	 * one added after it reads this as {@code true}.
	 */
	private volatile boolean anyListeners;

	/**
	 * @param subscriptions the topic's subscriptions, which must tell this registry of their changes
	 * @param scheduler where response timeouts and rematches run
	 */
	public ListenRegistry(ListenTopic topic, Subscriptions subscriptions, ListenProperties properties,
			Scheduler scheduler) {
		this.topic = topic;
		this.subscriptions = subscriptions;
		this.search = new ProviderSearch(topic, subscriptions, this.patterns, properties, scheduler, this.outbox,
				this.lock);
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
			synchronized (this.lock) {
				if (action == this.topic.accept) {
					this.search.accepted(candidate, message.subscription());
				}
				else {
					this.search.rejected(candidate, message.subscription());
				}
			}
		}
		this.outbox.drain();
	}

	/** Whether someone provides {@code name}. */
	public boolean hasProvider(String name) {
		if (!this.anyListeners) {
			return false;
		}
		synchronized (this.lock) {
			Provision provision = this.search.provisions.get(name);
			return provision != null && provision.provider != null;
		}
	}

	/** The names being provided or searched for: for tests, which check that nothing outlives its cause. */
	Set<String> trackedNames() {
		synchronized (this.lock) {
			return Set.copyOf(this.search.provisions.keySet());
		}
	}

	@Override
	public void subscribed(String name, Connection connection) {
		if (!this.anyListeners) {
			return;
		}
		synchronized (this.lock) {
			Provision provision = this.search.provisions.get(name);
			if (provision != null && provision.provider != null) {
				this.search.tellSubscriber(connection, name, true);
			}
			else {
				// A subscriber to a name no one provides starts a round of asking at once, unless one is under way:
				// a rematch left waiting by an earlier round (perhaps for subscribers who have left since) does not
				// make it wait.
				this.search.search(name);
			}
		}
		this.outbox.drain();
	}

	@Override
	public void lastUnsubscribed(String name) {
		// No listener means no name is tracked (see listenersChanged), so there is nothing to forget.
		if (!this.anyListeners) {
			return;
		}
		synchronized (this.lock) {
			// Changes reach here in any order: only what is true now counts.
			if (this.subscriptions.subscribers(name).isEmpty()) {
				this.search.release(name);
			}
		}
		this.outbox.drain();
	}

	/** Forgets a closed connection as a listener; its subscriptions are forgotten through {@link Subscriptions}. */
	public void onClose(Connection connection) {
		synchronized (this.lock) {
			Set<String> patterns = this.patterns.removeAll(connection);
			if (!patterns.isEmpty()) {
				this.search.gone((candidate) -> candidate.is(connection) && patterns.contains(candidate.pattern()));
				listenersChanged();
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
			this.anyListeners = true;
			this.search.send(connection, ListenReplies.ack(this.topic, this.topic.listen, pattern));
			Candidate candidate = new Candidate(connection, pattern);
			for (String name : new ArrayList<>(this.subscriptions.names())) {
				if (ListenPatterns.matches(regex, name)) {
					this.search.listenerArrived(name, candidate);
				}
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
		this.search.gone((candidate) -> candidate.is(connection) && candidate.pattern().equals(pattern));
		listenersChanged();
	}

	/**
	 * After a listener left: when it was the last, every tracked name is forgotten (no one is left to provide or be
	 * asked), so that nothing of this round waits for the next listeners, and subscriptions need not take the lock.
	 */
	private void listenersChanged() {
		if (this.patterns.isEmpty()) {
			this.search.clear();
			this.anyListeners = false;
		}
	}

}
