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
 * <p>A name is tracked ({@link Provision}) only while it has subscribers on this node and someone listens: every
 * entry point looks at the subscribers as they are now and forgets the name when none is left, so nothing an earlier
 * round of asking left behind can hold up the next one.
 */
final class ProviderSearch {

	private static final Logger logger = LoggerFactory.getLogger(ProviderSearch.class);

	final Map<String, Provision> provisions = new HashMap<>();

	private final ListenTopic topic;

	private final Subscriptions subscriptions;

	private final ListenPatterns patterns;

	private final ListenProperties properties;

	private final Scheduler scheduler;

	private final Outbox outbox;

	private final Object lock;

	ProviderSearch(ListenTopic topic, Subscriptions subscriptions, ListenPatterns patterns,
			ListenProperties properties, Scheduler scheduler, Outbox outbox, Object lock) {
		this.topic = topic;
		this.subscriptions = subscriptions;
		this.patterns = patterns;
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
		if (provision != null && (provision.provider != null || provision.isSearching())) {
			return;
		}
		List<Candidate> candidates = this.subscriptions.subscribers(name).isEmpty() ? List.of()
				: this.patterns.candidates(name);
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
		provision.rejectedAt.values().removeIf((rejectedAt) -> now - rejectedAt >= cooldown);
		candidates.removeIf(provision.rejectedAt::containsKey);
		if (this.properties.shuffleListeners()) {
			Collections.shuffle(candidates, ThreadLocalRandom.current());
		}
		provision.remaining.addAll(candidates);
		offerNext(name, provision);
	}

	/** A listener arrived for a subscribed name: asked after the others when they are being asked, else at once. */
	void listenerArrived(String name, Candidate newcomer) {
		Provision provision = this.provisions.get(name);
		if (provision != null && provision.isSearching()) {
			provision.remaining.add(newcomer);
		}
		else {
			search(name);
		}
	}

	/** Asks the next listener; when none is left, a late accepter in reserve provides, or all ask again later. */
	private void offerNext(String name, Provision provision) {
		provision.cancelResponseTimeout();
		provision.offered = null;
		Set<Connection> subscribers = this.subscriptions.subscribers(name);
		if (subscribers.isEmpty()) {
			release(name);
			return;
		}
		if (provision.reserve != null) {
			provide(name, provision, provision.reserve);
			return;
		}
		Candidate next;
		while ((next = provision.remaining.poll()) != null) {
			// A listener that subscribed to the name itself is not asked to provide it to itself.
			if (this.patterns.isListening(next) && !subscribers.contains(next.connection())) {
				long number = ++provision.offerNumber;
				provision.offered = next;
				provision.responseTimeout = this.scheduler.schedule(() -> timedOut(name, provision, number),
						this.properties.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
				send(next.connection(), ListenReplies.found(this.topic, next, name));
				return;
			}
		}
		provision.rematch = this.scheduler.schedule(() -> rematch(name, provision),
				this.properties.rematchInterval().toMillis(), TimeUnit.MILLISECONDS);
	}

	void accepted(Candidate candidate, String name) {
		Provision provision = this.provisions.get(name);
		if (provision != null && this.patterns.isListening(candidate)) {
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

	void rejected(Candidate candidate, String name) {
		Provision provision = this.provisions.get(name);
		// A registration that has ended leaves no cooldown behind: its connection may be gone by now.
		if (provision == null || !this.patterns.isListening(candidate)) {
			return;
		}
		provision.rejectedAt.put(candidate, this.scheduler.now(TimeUnit.MILLISECONDS));
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
				provision.timedOut.add(provision.offered);
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
		provision.remaining.clear();
		if (provision.reserve != null && !provision.reserve.equals(provider)) {
			stop(provision.reserve, name);
		}
		provision.reserve = null;
		provision.provider = provider;
		tellSubscribers(name, true);
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
			provision.rejectedAt.keySet().removeIf(gone);
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

	private void forget(String name) {
		Provision provision = this.provisions.remove(name);
		if (provision != null) {
			provision.cancelTimers();
		}
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

	void tellSubscriber(Connection connection, String name, boolean hasProvider) {
		if (this.topic.tellsSubscribers) {
			send(connection, ListenReplies.hasProvider(name, hasProvider));
		}
	}

	void send(Connection connection, Message message) {
		this.outbox.add(() -> connection.send(message));
	}

}
