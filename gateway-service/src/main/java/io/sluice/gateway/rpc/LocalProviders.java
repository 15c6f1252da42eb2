package io.sluice.gateway.rpc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import io.sluice.gateway.session.Connection;

/**
 * Which connections of this node provide which procedures. Safe from any thread. Changes report whether a name
 * gained its first or lost its last provider here, because that is what other nodes are told.
 */
final class LocalProviders {

	private final ConcurrentHashMap<String, Set<Connection>> byName = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<Connection, Set<String>> byConnection = new ConcurrentHashMap<>();

	/**
	 * Adds a provider.
	 * @return {@link Change#NONE} if it already provided {@code name}, {@link Change#FIRST} if it is the first
	 *     provider of {@code name} on this node, {@link Change#ANOTHER} otherwise
	 */
	Change add(String name, Connection connection) {
		Change[] change = new Change[1];
		// compute() so that a concurrent removal of the last provider cannot drop this one with the set.
		this.byName.compute(name, (key, connections) -> {
			// In registration order, so that routing without shuffling tries the oldest provider first.
			Set<Connection> set = (connections != null) ? connections : new CopyOnWriteArraySet<>();
			change[0] = !set.add(connection) ? Change.NONE : (set.size() == 1) ? Change.FIRST : Change.ANOTHER;
			return set;
		});
		if (change[0] != Change.NONE) {
			this.byConnection.computeIfAbsent(connection, (key) -> ConcurrentHashMap.newKeySet()).add(name);
		}
		return change[0];
	}

	/**
	 * Removes a provider.
	 * @return {@link Change#NONE} if it did not provide {@code name}, {@link Change#LAST} if it was the last
	 *     provider of {@code name} on this node, {@link Change#ANOTHER} otherwise
	 */
	Change remove(String name, Connection connection) {
		Change change = removeFromName(name, connection);
		if (change != Change.NONE) {
			Set<String> names = this.byConnection.get(connection);
			if (names != null) {
				names.remove(name);
			}
		}
		return change;
	}

	/** Removes every procedure a closed connection provided; returns those that have no provider here now. */
	List<String> removeAll(Connection connection) {
		Set<String> names = this.byConnection.remove(connection);
		if (names == null) {
			return List.of();
		}
		List<String> gone = new ArrayList<>();
		for (String name : names) {
			if (removeFromName(name, connection) == Change.LAST) {
				gone.add(name);
			}
		}
		return gone;
	}

	/** The providers of {@code name} on this node: a live view, possibly empty. */
	Set<Connection> providers(String name) {
		Set<Connection> connections = this.byName.get(name);
		return (connections != null) ? connections : Collections.emptySet();
	}

	/** Every name with a provider on this node. */
	List<String> names() {
		return List.copyOf(this.byName.keySet());
	}

	private Change removeFromName(String name, Connection connection) {
		Change[] change = { Change.NONE };
		this.byName.computeIfPresent(name, (key, connections) -> {
			if (connections.remove(connection)) {
				change[0] = connections.isEmpty() ? Change.LAST : Change.ANOTHER;
			}
			return connections.isEmpty() ? null : connections;
		});
		return change[0];
	}

	enum Change {

		NONE, FIRST, ANOTHER, LAST

	}

}
