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
import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.Subscriptions;

/**
 * The asking half of {@link ListenRegistry}: who is offered which name, in which order, and what an answer, a
 * timeout or a listener going away does to it. Called under the registry's lock, and takes that lock itself when a
 * timer fires; it sends only through the outbox.
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
	 * Starts asking for a provider of a subscribed name, or, when {@code newcomer} (a new listener) is given and the
	 * listeners are being asked already, queues it to be asked too.
	 */
	void search(String name, Candidate newcomer) {
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

	void accepted(Candidate candidate, String name) {
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

	void rejected(Candidate candidate, String name) {
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
	void gone(Predicate<Candidate> gone) {
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

	void stop(Candidate candidate, String name) {
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
