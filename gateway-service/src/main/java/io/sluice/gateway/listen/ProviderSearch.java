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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;

import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.session.Connection;

/**
 * The asking half of {@link ListenRegistry}: who is offered which name, in which order, and what an answer, a
 * timeout or a listener going away does to it. Called under the registry's lock, and takes that lock itself when a
 * timer fires; it sends only through the outbox.
 *
 * <p>A name is tracked ({@link Provision}) only while it has subscribers and someone listens: every entry point looks
 * at the subscribers as they are now and forgets the name when none is left, so nothing an earlier round of asking
 * left behind can hold up the next one.
 *
 * <p>In a cluster each name is decided by one node, its owner ({@link ListenNodes#owner}): only the owner asks, and it
 * asks the listeners of every node. Its subscribers are this node's and those of the nodes that reported theirs
 * ({@link #subscriberNodes}); a listener on another node is asked, and answers, through {@link ListenNodes}.
 */
final class ProviderSearch {

	private static final Logger logger = LoggerFactory.getLogger(ProviderSearch.class);

	final Map<String, Provision> provisions = new HashMap<>();

	/** The other nodes that have subscribers of each name this node decides for, as they reported them. */
	final Map<String, Set<String>> subscriberNodes = new HashMap<>();

	/** The other nodes; {@link ListenNodes#NONE} until a relay is attached. */
	ListenNodes nodes = ListenNodes.NONE;

	private final ListenTopic topic;

	private final Subscriptions subscriptions;

	private final ListenPatterns patterns;

	private final RemoteListeners remote;

	private final ListenProperties properties;

	private final Scheduler scheduler;

	private final Outbox outbox;

	private final Object lock;

	ProviderSearch(ListenTopic topic, Subscriptions subscriptions, ListenPatterns patterns, RemoteListeners remote,
			ListenProperties properties, Scheduler scheduler, Outbox outbox, Object lock) {
		this.topic = topic;
		this.subscriptions = subscriptions;
		this.patterns = patterns;
		this.remote = remote;
		this.properties = properties;
		this.scheduler = scheduler;
		this.outbox = outbox;
		this.lock = lock;
	}

	/**
	 * Starts a round of asking for a name, at once, unless it has a provider or a listener is being asked: whatever an
	 * earlier round left (a rematch waiting, late answers) is dropped. Forgets the name when it has no subscriber or
	 * no listener could provide it.
	 */
	void search(String name) {
		Provision provision = this.provisions.get(name);
		if (provision != null && (provision.provider != null || provision.isSearching() || provision.handover)) {
			return;
		}
		List<Candidate> candidates = hasSubscribers(name) ? this.patterns.candidates(name) : List.of();
		if (!this.remote.isEmpty() && hasSubscribers(name)) {
			this.remote.addCandidates(name, candidates);
		}
		if (candidates.isEmpty()) {
			forget(name);
			return;
		}
		if (provision == null) {
			provision = new Provision();
			this.provisions.put(name, provision);
		}
		provision.newRound();
		long now = this.scheduler.now(TimeUnit.MILLISECONDS);
		long cooldown = this.properties.matchCooldown().toMillis();
		provision.coolDown(candidates, now, cooldown);
		if (this.properties.shuffleListeners()) {
			Collections.shuffle(candidates, ThreadLocalRandom.current());
		}
		provision.toAsk(candidates);
		offerNext(name, provision);
	}

	/** A listener arrived for a subscribed name: asked after the others when they are being asked, else at once. */
	void listenerArrived(String name, Candidate newcomer) {
		Provision provision = this.provisions.get(name);
		if (provision != null && provision.isSearching()) {
			provision.toAsk(List.of(newcomer));
		}
		else {
			search(name);
		}
	}

	/** Asks the next listener; when none is left, a late accepter in reserve provides, or all ask again later. */
	private void offerNext(String name, Provision provision) {
		provision.cancelResponseTimeout();
		provision.offered = null;
		if (!hasSubscribers(name)) {
			release(name);
			return;
		}
		Set<Connection> subscribers = this.subscriptions.subscribers(name);
		if (provision.reserve != null) {
			provide(name, provision, provision.reserve);
			return;
		}
		Candidate next;
		while ((next = provision.nextToAsk()) != null) {
			// A listener that subscribed to the name itself is not asked to provide it to itself (one on another
			// node is asked there, and answers UNAVAILABLE).
			if (isListening(next) && (!next.isLocal() || !subscribers.contains(next.connection()))) {
				long number = ++provision.offerNumber;
				provision.offered = next;
				provision.responseTimeout = this.scheduler.schedule(() -> timedOut(name, provision, number),
						this.properties.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
				if (next.isLocal()) {
					send(next.connection(), ListenReplies.found(this.topic, next, name));
				}
				else {
					this.nodes.offer(next, name);
				}
				return;
			}
		}
		provision.rematch = this.scheduler.schedule(() -> rematch(name, provision),
				this.properties.rematchInterval().toMillis(), TimeUnit.MILLISECONDS);
	}

	void accepted(Candidate candidate, String name) {
		Provision provision = this.provisions.get(name);
		if (provision != null && isListening(candidate)) {
			if (candidate.equals(provision.offered)) {
				provide(name, provision, candidate);
				return;
			}
			if (candidate.equals(provision.provider)) {
				return;
			}
			if (provision.lateAnswer(candidate) && provision.provider == null) {
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
		stop(candidate, name);
	}

	/**
	 * A listener on another node says it provides {@code name}, by the word of the node that decided for it before
	 * this one (which left, or a partition that healed): it keeps providing unless another does already, so that one
	 * provider is left.
	 */
	void claimed(Candidate candidate, String name) {
		if (!isListening(candidate)) {
			stop(candidate, name);
			return;
		}
		Provision provision = this.provisions.get(name);
		if (provision == null) {
			provision = new Provision();
			this.provisions.put(name, provision);
		}
		if (provision.provider == null) {
			provide(name, provision, candidate);
		}
		else if (!candidate.equals(provision.provider) && !candidate.equals(provision.reserve)) {
			stop(candidate, name);
		}
	}

	/**
	 * {@code name} has come to be decided here (the node that decided for it left, or this node joined): its
	 * provider, if it has one, is on its way to claim it, so no one is asked for {@code response-timeout}.
	 * @param toldProvided whether this node's subscribers were told it has a provider
	 */
	void takeOver(String name, boolean toldProvided) {
		if (this.provisions.containsKey(name)) {
			return;
		}
		Provision provision = new Provision();
		this.provisions.put(name, provision);
		provision.handover = true;
		provision.toldProvided = toldProvided;
		provision.rematch = this.scheduler.schedule(() -> handoverEnded(name, provision),
				this.properties.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	private void handoverEnded(String name, Provision provision) {
		synchronized (this.lock) {
			if (this.provisions.get(name) == provision && provision.handover) {
				provision.handover = false;
				provision.rematch = null;
				if (provision.toldProvided) {
					tellLocalSubscribers(name, false);
				}
				// The nodes that reported subscribers meanwhile were not answered, and may have heard otherwise.
				tellSubscriberNodes(name, false);
				search(name);
			}
		}
		this.outbox.drain();
	}

	/** A listener on another node could not be asked: the next one is. */
	void unavailable(Candidate candidate, String name) {
		Provision provision = this.provisions.get(name);
		if (provision == null) {
			return;
		}
		if (candidate.equals(provision.offered)) {
			offerNext(name, provision);
		}
		else {
			provision.withdraw(candidate::equals);
		}
	}

	void rejected(Candidate candidate, String name) {
		Provision provision = this.provisions.get(name);
		// A registration that has ended leaves no cooldown behind: its connection may be gone by now.
		if (provision == null || !isListening(candidate)) {
			return;
		}
		provision.rejected(candidate, this.scheduler.now(TimeUnit.MILLISECONDS));
		if (candidate.equals(provision.offered)) {
			offerNext(name, provision);
		}
		else {
			provision.withdraw(candidate::equals);
		}
	}

	private void timedOut(String name, Provision provision, long offerNumber) {
		synchronized (this.lock) {
			// The same provision, not just one for the same name: a timer disposed too late must not cut a new offer.
			if (this.provisions.get(name) == provision && provision.isSearching()
					&& provision.offerNumber == offerNumber) {
				logger.debug("{} did not answer for {} in time; asking the next listener", provision.offered, name);
				provision.timedOut(provision.offered);
				offerNext(name, provision);
			}
		}
		this.outbox.drain();
	}

	private void rematch(String name, Provision provision) {
		synchronized (this.lock) {
			if (this.provisions.get(name) == provision && provision.rematch != null) {
				provision.rematch = null;
				search(name);
			}
		}
		this.outbox.drain();
	}

	private void provide(String name, Provision provision, Candidate provider) {
		provision.cancelTimers();
		provision.offered = null;
		provision.noOneToAsk();
		if (provision.reserve != null && !provision.reserve.equals(provider)) {
			stop(provision.reserve, name);
		}
		provision.reserve = null;
		provision.provider = provider;
		if (provision.handover && provision.toldProvided) {
			// This node's subscribers heard of this provider from the node that decided before.
			tellSubscriberNodes(name, true);
		}
		else {
			tellSubscribers(name, true);
		}
		provision.handover = false;
	}

	/**
	 * Forgets listener registrations that ended (unlisten or close), with their offers, late answers and cooldowns; a
	 * name they were asked for is offered to the next listener, a name they provided is searched for afresh.
	 */
	void gone(Predicate<Candidate> gone) {
		// A copy: asking again may forget names no one is left to provide.
		new ArrayList<>(this.provisions.entrySet()).forEach((entry) -> {
			String name = entry.getKey();
			Provision provision = entry.getValue();
			provision.withdraw(gone);
			provision.forgetRejections(gone);
			if (provision.offered != null && gone.test(provision.offered)) {
				offerNext(name, provision);
			}
			else if (provision.provider != null && gone.test(provision.provider)) {
				provision.provider = null;
				tellSubscribers(name, false);
				search(name);
			}
		});
	}

	/** Forgets a name that has no subscriber left: its provider and a late accepter held in reserve are told to stop. */
	void release(String name) {
		Provision provision = this.provisions.get(name);
		if (provision != null) {
			stop(provision.provider, name);
			stop(provision.reserve, name);
			forget(name);
		}
	}

	/** Forgets every name, when no one listens any more (so no one provides or is asked). */
	void clear() {
		this.provisions.values().forEach(Provision::cancelTimers);
		this.provisions.clear();
	}

	/** Forgets a name without a word to anyone: another node decides for it now, and hears of it from them. */
	void forget(String name) {
		Provision provision = this.provisions.remove(name);
		if (provision != null) {
			provision.cancelTimers();
		}
	}

	/** Whether {@code name} has subscribers on this node or on a node that reported them. */
	boolean hasSubscribers(String name) {
		return !this.subscriptions.subscribers(name).isEmpty() || this.subscriberNodes.containsKey(name);
	}

	/** Whether the listener registration still stands, on this node or on the node it was announced by. */
	boolean isListening(Candidate candidate) {
		return candidate.isLocal() ? this.patterns.isListening(candidate) : this.remote.contains(candidate);
	}

	private void stop(Candidate candidate, String name) {
		if (candidate == null) {
			return;
		}
		if (candidate.isLocal()) {
			send(candidate.connection(), ListenReplies.removed(this.topic, candidate, name));
		}
		else {
			this.nodes.remove(candidate, name);
		}
	}

	private void tellSubscribers(String name, boolean hasProvider) {
		tellLocalSubscribers(name, hasProvider);
		tellSubscriberNodes(name, hasProvider);
	}

	private void tellSubscriberNodes(String name, boolean hasProvider) {
		Set<String> nodes = this.subscriberNodes.get(name);
		if (nodes != null) {
			nodes.forEach((node) -> this.nodes.providerChanged(node, name, hasProvider));
		}
	}

	/** Tells this node's subscribers of {@code name} whether it has a provider (records only). */
	void tellLocalSubscribers(String name, boolean hasProvider) {
		if (this.topic.tellsSubscribers) {
			byte[] frame = MessageCodec.encode(ListenReplies.hasProvider(name, hasProvider));
			// Subscribers as they are when sent: one who subscribes meanwhile is told on subscribing.
			this.outbox.add(() -> this.subscriptions.send(name, frame, null));
		}
	}

	void tellSubscriber(Connection connection, String name, boolean hasProvider) {
		if (this.topic.tellsSubscribers) {
			send(connection, ListenReplies.hasProvider(name, hasProvider));
		}
	}

	void send(Connection connection, Message message) {
		this.outbox.add(() -> connection.send(message));
	}

}
