package io.sluice.gateway.listen;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import reactor.core.Disposable;

/**
 * Where finding a provider for one subscribed name stands: who provides it, who is being asked, who is still to be
 * asked. Guarded by the registry's lock. It lives while the name has subscribers and a listener could provide it.
 *
 * <p>A node may track many names, most of them provided: the lists of a round of asking (who is still to be asked,
 * who answered late, who rejected when) exist only while they have someone in them, so a provided name costs this
 * object and its provider.
 */
final class Provision {

	/** The listener that accepted, or {@code null}. */
	Candidate provider;

	/** The listener being asked, or {@code null} when no one is. */
	Candidate offered;

	/** Tells stale timeouts from the current one. */
	long offerNumber;

	Disposable responseTimeout;

	/** Who is still to be asked, in order; {@code null} when no one is. */
	private Deque<Candidate> remaining;

	/** Listeners whose time to answer ran out (an accept from one of them is late, not unsolicited); or {@code null}. */
	private Set<Candidate> timedOut;

	/** A late accepter held in reserve while another listener is asked: it provides if that one declines. */
	Candidate reserve;

	/**
	 * When each listener registration (connection and pattern) that rejected the name did so, in scheduler
	 * milliseconds: the match cooldown of that registration alone; or {@code null} when none did. Kept across rounds
	 * of asking, so that a provider going away does not bounce the name straight back to a listener that just said
	 * no; gone with the registration or with the name's last subscriber.
	 */
	private Map<Candidate, Long> rejectedAt;

	/** The next round of asking after every listener declined, or the end of a handover; or {@code null}. */
	Disposable rematch;

	/** Just taken over from another node: waiting for the provider to claim it before anyone is asked. */
	boolean handover;

	/** In a handover, whether the subscribers here were told by the node before that there is a provider. */
	boolean toldProvided;

	/** Whether any list of a round of asking is held (to ask, late, cooling down): for tests of what a name costs. */
	boolean holdsLists() {
		return this.remaining != null || this.timedOut != null || this.rejectedAt != null;
	}

	boolean isSearching() {
		return this.offered != null;
	}

	/** Drops what the last round of asking left: a waiting rematch, late answers, the queue. Not the cooldowns. */
	void newRound() {
		cancelTimers();
		this.offered = null;
		this.remaining = null;
		this.timedOut = null;
		this.reserve = null;
	}

	/** Queues listeners to be asked, after those queued already. */
	void toAsk(Collection<Candidate> candidates) {
		if (!candidates.isEmpty()) {
			if (this.remaining == null) {
				this.remaining = new ArrayDeque<>(candidates.size());
			}
			this.remaining.addAll(candidates);
		}
	}

	/** The next listener to ask, taken off the queue; {@code null} when no one is left. */
	Candidate nextToAsk() {
		Candidate next = (this.remaining != null) ? this.remaining.poll() : null;
		if (this.remaining != null && this.remaining.isEmpty()) {
			this.remaining = null;
		}
		return next;
	}

	/** Someone provides: no one is left to ask, and a late accept changes nothing. */
	void noOneToAsk() {
		this.remaining = null;
		this.timedOut = null;
	}

	/** {@code candidate} did not answer in time: an accept from it now is late, not unsolicited. */
	void timedOut(Candidate candidate) {
		if (this.timedOut == null) {
			this.timedOut = new HashSet<>(4);
		}
		this.timedOut.add(candidate);
	}

	/** Whether {@code candidate} had timed out (it is forgotten as such): its accept is a late one. */
	boolean lateAnswer(Candidate candidate) {
		boolean late = this.timedOut != null && this.timedOut.remove(candidate);
		if (this.timedOut != null && this.timedOut.isEmpty()) {
			this.timedOut = null;
		}
		return late;
	}

	/** {@code candidate} rejected the name at {@code now} (scheduler milliseconds). */
	void rejected(Candidate candidate, long now) {
		if (this.rejectedAt == null) {
			this.rejectedAt = new HashMap<>(4);
		}
		this.rejectedAt.put(candidate, now);
	}

	/** Forgets the rejections older than {@code cooldown} at {@code now}, and takes those left out of {@code candidates}. */
	void coolDown(List<Candidate> candidates, long now, long cooldown) {
		if (this.rejectedAt != null) {
			this.rejectedAt.values().removeIf((rejectedAt) -> now - rejectedAt >= cooldown);
			candidates.removeIf(this.rejectedAt::containsKey);
			if (this.rejectedAt.isEmpty()) {
				this.rejectedAt = null;
			}
		}
	}

	/** Forgets the rejections of registrations that ended. */
	void forgetRejections(Predicate<Candidate> which) {
		if (this.rejectedAt != null) {
			this.rejectedAt.keySet().removeIf(which);
			if (this.rejectedAt.isEmpty()) {
				this.rejectedAt = null;
			}
		}
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
		if (this.remaining != null) {
			this.remaining.removeIf(which);
			if (this.remaining.isEmpty()) {
				this.remaining = null;
			}
		}
		if (this.timedOut != null) {
			this.timedOut.removeIf(which);
			if (this.timedOut.isEmpty()) {
				this.timedOut = null;
			}
		}
		if (this.reserve != null && which.test(this.reserve)) {
			this.reserve = null;
		}
	}

}
