package io.sluice.gateway.listen;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import reactor.core.Disposable;

/**
 * Where finding a provider for one subscribed name stands: who provides it, who is being asked, who is still to be
 * asked. Guarded by the registry's lock. It lives while the name has subscribers and a listener could provide it.
 */
final class Provision {

	/** The listener that accepted, or {@code null}. */
	Candidate provider;

	/** The listener being asked, or {@code null} when no one is. */
	Candidate offered;

	/** Tells stale timeouts from the current one. */
	long offerNumber;

	Disposable responseTimeout;

	/** Who is still to be asked, in order. */
	final Deque<Candidate> remaining = new ArrayDeque<>();

	/** Listeners whose time to answer ran out; an accept from one of them is late, not unsolicited. */
	final Set<Candidate> timedOut = new HashSet<>();

	/** A late accepter held in reserve while another listener is asked: it provides if that one declines. */
	Candidate reserve;

	/**
	 * When each listener registration (connection and pattern) that rejected the name did so, in scheduler
	 * milliseconds: the match cooldown of that registration alone. Kept across rounds of asking, so that a provider
	 * going away does not bounce the name straight back to a listener that just said no; gone with the registration
	 * or with the name's last subscriber.
	 */
	final Map<Candidate, Long> rejectedAt = new HashMap<>();

	/** The next round of asking after every listener declined, or the end of a handover; or {@code null}. */
	Disposable rematch;

	/** Just taken over from another node: waiting for the provider to claim it before anyone is asked. */
	boolean handover;

	/** In a handover, whether the subscribers here were told by the node before that there is a provider. */
	boolean toldProvided;

	boolean isSearching() {
		return this.offered != null;
	}

	/** Drops what the last round of asking left: a waiting rematch, late answers, the queue. Not the cooldowns. */
	void newRound() {
		cancelTimers();
		this.offered = null;
		this.remaining.clear();
		this.timedOut.clear();
		this.reserve = null;
	}

	void cancelResponseTimeout() {
		if (this.responseTimeout != null) {
			this.responseTimeout.dispose();
			this.responseTimeout = null;
		}
	}

	void cancelRematch() {
		if (this.rematch != null) {
			this.rematch.dispose();
			this.rematch = null;
		}
	}

	void cancelTimers() {
		cancelResponseTimeout();
		cancelRematch();
	}

	/** Takes listeners out of this round (to be asked, late, in reserve), but not out of the offer or the cooldowns. */
	void withdraw(Predicate<Candidate> which) {
		this.remaining.removeIf(which);
		this.timedOut.removeIf(which);
		if (this.reserve != null && which.test(this.reserve)) {
			this.reserve = null;
		}
	}

}
