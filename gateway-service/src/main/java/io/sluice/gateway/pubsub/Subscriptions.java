package io.sluice.gateway.pubsub;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.Fanout;

/**
 * Which connections of this node subscribe to which names, for one topic. Safe to use from any thread: requests
 * change it on event loops while notifications read it on others.
 *
 * <p>A name's subscribers are sent to far more often than they change, so {@link #send} walks an array of them,
 * made again only after a change, rather than iterating a concurrent set (which, for one subscriber, walks a table
 * of sixteen bins).
 */
public final class Subscriptions {

	private final ConcurrentHashMap<String, Subscribers> byName = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<Connection, Set<String>> byConnection = new ConcurrentHashMap<>();

	private volatile Listener listener = Listener.NONE;

	/**
	 * Who hears of each new subscriber and of each name losing its last one (listening needs both). Set once, before
	 * the first subscription; called on the thread that made the change, after it was made.
	 */
	public void setListener(Listener listener) {
		this.listener = (listener != null) ? listener : Listener.NONE;
	}

	/** Subscribes; {@code false} if the connection already was subscribed. */
	public boolean subscribe(String name, Connection connection) {
		boolean[] added = new boolean[1];
		// compute() so that a concurrent removal of the last subscriber cannot drop this one with the set.
		this.byName.compute(name, (key, subscribers) -> {
			Subscribers current = (subscribers != null) ? subscribers : new Subscribers();
			added[0] = current.add(connection);
			return current;
		});
		if (added[0]) {
			this.byConnection.computeIfAbsent(connection, (key) -> ConcurrentHashMap.newKeySet()).add(name);
			connection.subscriptionsChanged(1);
			this.listener.subscribed(name, connection);
		}
		return added[0];
	}

	/** Unsubscribes; {@code false} if the connection was not subscribed. */
	public boolean unsubscribe(String name, Connection connection) {
		boolean removed = removeFromName(name, connection);
		if (removed) {
			Set<String> names = this.byConnection.get(connection);
			if (names != null) {
				names.remove(name);
			}
			connection.subscriptionsChanged(-1);
		}
		return removed;
	}

	/** This node's subscribers to {@code name}: a live view, possibly empty. */
	public Set<Connection> subscribers(String name) {
		Subscribers subscribers = this.byName.get(name);
		return (subscribers != null) ? subscribers.set : Collections.emptySet();
	}

	public boolean isSubscribed(String name, Connection connection) {
		return subscribers(name).contains(connection);
	}

	/**
	 * Sends a frame encoded by {@link io.sluice.gateway.protocol.MessageCodec} to every subscriber to {@code name}
	 * but the one whose id is {@code exceptId}: built into a WebSocket frame once, whatever the number of subscribers
	 * ({@link Fanout}).
	 * @return how many it was sent to
	 */
	public int send(String name, byte[] frame, String exceptId) {
		Subscribers subscribers = this.byName.get(name);
		return (subscribers != null) ? Fanout.send(subscribers.snapshot(), frame, exceptId) : 0;
	}

	/** Every name with a subscriber on this node: a live view. */
	public Set<String> names() {
		return Collections.unmodifiableSet(this.byName.keySet());
	}

	/** Removes every subscriber to {@code name}, as after a record is deleted. */
	public void removeName(String name) {
		Subscribers subscribers = this.byName.remove(name);
		if (subscribers != null) {
			for (Connection connection : subscribers.set) {
				Set<String> names = this.byConnection.get(connection);
				if (names != null) {
					names.remove(name);
				}
				connection.subscriptionsChanged(-1);
			}
			this.listener.lastUnsubscribed(name);
		}
	}

	/** Removes every subscription of a closed connection. */
	public void removeAll(Connection connection) {
		Set<String> names = this.byConnection.remove(connection);
		if (names != null) {
			for (String name : names) {
				if (removeFromName(name, connection)) {
					connection.subscriptionsChanged(-1);
				}
			}
		}
	}

	private boolean removeFromName(String name, Connection connection) {
		boolean[] removed = new boolean[2];
		this.byName.computeIfPresent(name, (key, subscribers) -> {
			removed[0] = subscribers.remove(connection);
			removed[1] = subscribers.set.isEmpty();
			return removed[1] ? null : subscribers;
		});
		if (removed[1]) {
			// Outside compute(): the listener may look at these subscriptions.
			this.listener.lastUnsubscribed(name);
		}
		return removed[0];
	}

	/**
	 * One name's subscribers: the set, changed only inside the map's {@code compute} for the name, and an array of
	 * them for sending, made again on the first send after a change.
	 */
	private static final class Subscribers {

		private static final Connection[] NONE = new Connection[0];

		private final Set<Connection> set = ConcurrentHashMap.newKeySet();

		/** Counts changes to the set. */
		private volatile int version;

		private volatile Snapshot snapshot;

		boolean add(Connection connection) {
			boolean added = this.set.add(connection);
			if (added) {
				this.version++;
			}
			return added;
		}

		boolean remove(Connection connection) {
			boolean removed = this.set.remove(connection);
			if (removed) {
				this.version++;
			}
			return removed;
		}

		/**
		 * The subscribers as of a moment no earlier than the last change completed before this call (as an iteration
		 * of the set would see them). A change made while the array is being made leaves it marked out of date.
		 */
		Connection[] snapshot() {
			Snapshot current = this.snapshot;
			int version = this.version;
			if (current == null || current.version != version) {
				current = new Snapshot(version, this.set.toArray(NONE));
				this.snapshot = current;
			}
			return current.connections;
		}

		/** The array is never changed once made, and never handed to code that could change it. */
		private record Snapshot(int version, Connection[] connections) {
		}

	}

	/**
	 * Hears of changes to the subscriptions. A listener must not rely on the order in which two threads' changes reach
	 * it: it is told that something changed and should look at {@link #subscribers} for what is true now.
	 */
	public interface Listener {

		Listener NONE = new Listener() {
		};

		/** {@code connection} subscribed to {@code name}, maybe as its first subscriber. */
		default void subscribed(String name, Connection connection) {
		}

		/** {@code name} has no subscriber left on this node. */
		default void lastUnsubscribed(String name) {
		}

	}

}
