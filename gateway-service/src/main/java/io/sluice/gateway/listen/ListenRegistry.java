package io.sluice.gateway.listen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.Subscriptions;

/**
 * Listening on one topic: clients listen on a pattern, and when a name matching it gets its first subscriber the
 * listeners are asked, one at a time, whether they will provide it (SUBSCRIPTION_FOR_PATTERN_FOUND). The first to
 * accept is the provider until the last subscriber leaves (SUBSCRIPTION_FOR_PATTERN_REMOVED) or it goes away, when
 * the others are asked again. A reject, or no answer within {@code response-timeout}, moves on to the next listener;
 * when all declined they are asked again after {@code rematch-interval}. Record subscribers hear whether there is a
 * provider.
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

	private final ListenProperties properties;

	private final Scheduler scheduler;

	private final ListenPatterns patterns = new ListenPatterns();

	private final Map<String, Provision> provisions = new HashMap<>();

	private final Outbox outbox = new Outbox();

	private final Object lock = new Object();

	/**
	 * @param subscriptions the topic's subscriptions, which must tell this registry of their changes
	 * @param scheduler where response timeouts and rematches run
	 */
	public ListenRegistry(ListenTopic topic, Subscriptions subscriptions, ListenProperties properties,
			Scheduler scheduler) {
		this.topic = topic;
		this.subscriptions = subscriptions;
		this.properties = properties;
		this.scheduler = scheduler;
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
					accepted(candidate, message.subscription());
				}
				else {
					rejected(candidate, message.subscription());
				}
			}
		}
		this.outbox.drain();
	}

	/** Whether someone provides {@code name}. */
	public boolean hasProvider(String name) {
		synchronized (this.lock) {
			Provision provision = this.provisions.get(name);
			return provision != null && provision.provider != null;
		}
	}

	@Override
	public void subscribed(String name, Connection connection) {
		synchronized (this.lock) {
			Provision provision = this.provisions.get(name);
			if (provision != null) {
				if (provision.provider != null) {
					tellSubscriber(connection, name, true);
				}
			}
			else if (!this.patterns.isEmpty() && !this.subscriptions.subscribers(name).isEmpty()) {
				// The first subscriber (or the first since every listener went away): look for a provider.
				search(name, null);
			}
		}
		this.outbox.drain();
	}

	@Override
	public void lastUnsubscribed(String name) {
		synchronized (this.lock) {
			// Changes reach here in any order: only what is true now counts.
			if (this.subscriptions.subscribers(name).isEmpty()) {
				Provision provision = this.provisions.remove(name);
				if (provision != null) {
					provision.cancelTimers();
					stop(provision.provider, name);
					stop(provision.reserve, name);
				}
			}
		}
		this.outbox.drain();
	}

	/** Forgets a closed connection as a listener; its subscriptions are forgotten through {@link Subscriptions}. */
	public void onClose(Connection connection) {
		synchronized (this.lock) {
			Set<String> patterns = this.patterns.removeAll(connection);
			if (!patterns.isEmpty()) {
				gone((candidate) -> candidate.is(connection) && patterns.contains(candidate.pattern()));
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
				send(connection, ListenReplies.refused(this.topic, this.topic.multipleSubscriptions, message));
				return;
			}
			send(connection, ListenReplies.ack(this.topic, this.topic.listen, pattern));
			Candidate candidate = new Candidate(connection, pattern);
			for (String name : new ArrayList<>(this.subscriptions.names())) {
				if (ListenPatterns.matches(regex, name)) {
					search(name, candidate);
				}
			}
		}
	}

	private void unlisten(Connection connection, Message message) {
		String pattern = message.name();
		if (!this.patterns.remove(connection, pattern)) {
			send(connection, ListenReplies.refused(this.topic, this.topic.notSubscribed, message));
			return;
		}
		send(connection, ListenReplies.ack(this.topic, this.topic.unlisten, pattern));
		gone((candidate) -> candidate.is(connection) && candidate.pattern().equals(pattern));
	}

	/**
	 * Starts asking for a provider of a subscribed name, or, when {@code newcomer} (a new listener) is given and the
	 * listeners are being asked already, queues it to be asked too.
	 */
	private void search(String name, Candidate newcomer) {
		Provision provision = this.provisions.get(name);
		if (provision != null && (provision.provider != null || provision.rematch != null && newcomer == null)) {
			return;
		}
		if (provision != null && provision.isSearching()) {
			if (newcomer != null) {
				provision.remaining.add(newcomer);
			}
			return;
		}
		List<Candidate> candidates = this.patterns.candidates(name);
		if (candidates.isEmpty()) {
			// No one could provide it: forget the name until a listener for it arrives.
			if (provision != null) {
				provision.cancelTimers();
				this.provisions.remove(name);
			}
			return;
		}
		if (provision == null) {
			provision = new Provision();
			this.provisions.put(name, provision);
		}
		provision.cancelRematch();
		long now = this.scheduler.now(TimeUnit.MILLISECONDS);
		long cooldown = this.properties.matchCooldown().toMillis();
		Provision current = provision;
		candidates.removeIf((candidate) -> {
			Long rejectedAt = current.rejectedAt.get(candidate);
			return rejectedAt != null && now - rejectedAt < cooldown;
		});
		if (this.properties.shuffleListeners()) {
			Collections.shuffle(candidates, ThreadLocalRandom.current());
		}
		provision.remaining.clear();
		provision.remaining.addAll(candidates);
		offerNext(name, provision);
	}

	/** Asks the next listener; when none is left, a late accepter in reserve provides, or all ask again later. */
	private void offerNext(String name, Provision provision) {
		provision.cancelResponseTimeout();
		provision.offered = null;
		if (provision.reserve != null) {
			provide(name, provision, provision.reserve);
			return;
		}
		Set<Connection> subscribers = this.subscriptions.subscribers(name);
		Candidate next;
		while ((next = provision.remaining.poll()) != null) {
			// A listener that subscribed to the name itself is not asked to provide it to itself.
			if (this.patterns.isListening(next) && !subscribers.contains(next.connection())) {
				long number = ++provision.offerNumber;
				provision.offered = next;
				provision.responseTimeout = this.scheduler.schedule(() -> timedOut(name, number),
						this.properties.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
				send(next.connection(), ListenReplies.found(this.topic, next, name));
				return;
			}
		}
		if (!subscribers.isEmpty()) {
			provision.rematch = this.scheduler.schedule(() -> rematch(name),
					this.properties.rematchInterval().toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void accepted(Candidate candidate, String name) {
		Provision provision = this.provisions.get(name);
		if (provision != null) {
			if (candidate.equals(provision.offered)) {
				provide(name, provision, candidate);
				return;
			}
			if (candidate.equals(provision.provider)) {
				return;
			}
			if (provision.timedOut.remove(candidate) && provision.provider == null) {
				if (!provision.isSearching()) {
					provide(name, provision, candidate);
					return;
				}
				if (provision.reserve == null) {
					provision.reserve = candidate;
					return;
				}
			}
		}
		// Unasked, too late or no longer needed: tell it to stop, so that it does not provide for no one.
		send(candidate.connection(), ListenReplies.removed(this.topic, candidate, name));
	}

	private void rejected(Candidate candidate, String name) {
		Provision provision = this.provisions.get(name);
		if (provision == null) {
			return;
		}
		provision.rejectedAt.put(candidate, this.scheduler.now(TimeUnit.MILLISECONDS));
		if (candidate.equals(provision.offered)) {
			offerNext(name, provision);
		}
		else {
			provision.forget(candidate::equals);
		}
	}

	private void timedOut(String name, long offerNumber) {
		synchronized (this.lock) {
			Provision provision = this.provisions.get(name);
			if (provision != null && provision.isSearching() && provision.offerNumber == offerNumber) {
				logger.debug("{} did not answer for {} in time; asking the next listener", provision.offered, name);
				provision.timedOut.add(provision.offered);
				offerNext(name, provision);
			}
		}
		this.outbox.drain();
	}

	private void rematch(String name) {
		synchronized (this.lock) {
			Provision provision = this.provisions.get(name);
			if (provision != null) {
				provision.rematch = null;
				if (!this.subscriptions.subscribers(name).isEmpty()) {
					search(name, null);
				}
			}
		}
		this.outbox.drain();
	}

	private void provide(String name, Provision provision, Candidate provider) {
		provision.cancelTimers();
		provision.offered = null;
		provision.remaining.clear();
		if (provision.reserve != null && !provision.reserve.equals(provider)) {
			stop(provision.reserve, name);
		}
		provision.reserve = null;
		provision.provider = provider;
		tellSubscribers(name, true);
	}

	/** Forgets listeners that went away; a name they were asked for or provided is offered to the others. */
	private void gone(Predicate<Candidate> gone) {
		// A copy: asking again may forget names no one is left to provide.
		new ArrayList<>(this.provisions.entrySet()).forEach((entry) -> {
			String name = entry.getKey();
			Provision provision = entry.getValue();
			provision.forget(gone);
			if (provision.offered != null && gone.test(provision.offered)) {
				offerNext(name, provision);
			}
			else if (provision.provider != null && gone.test(provision.provider)) {
				provision.provider = null;
				tellSubscribers(name, false);
				search(name, null);
			}
		});
	}

	private void stop(Candidate candidate, String name) {
		if (candidate != null) {
			send(candidate.connection(), ListenReplies.removed(this.topic, candidate, name));
		}
	}

	private void tellSubscribers(String name, boolean hasProvider) {
		if (this.topic.tellsSubscribers) {
			byte[] frame = MessageCodec.encode(ListenReplies.hasProvider(name, hasProvider));
			// Subscribers as they are when sent: one who subscribes meanwhile is told on subscribing.
			this.outbox.add(() -> this.subscriptions.send(name, frame, null));
		}
	}

	private void tellSubscriber(Connection connection, String name, boolean hasProvider) {
		if (this.topic.tellsSubscribers) {
			send(connection, ListenReplies.hasProvider(name, hasProvider));
		}
	}

	private void send(Connection connection, Message message) {
		this.outbox.add(() -> connection.send(message));
	}

}
