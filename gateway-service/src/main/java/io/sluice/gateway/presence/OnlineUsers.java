package io.sluice.gateway.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is online: this node's users, counted by connection (a user is here until their last connection leaves), and
 * the users each other node last said it has. A user is online while any node has them. Not thread-safe: its owner
 * holds a lock around each change together with the notifications it causes, so that those go out in order.
 */
final class OnlineUsers {

	private final Map<String, Integer> local = new HashMap<>();

	private final Map<String, Set<String>> byNode = new HashMap<>();

	/** Counts one more connection of {@code user} here; whether it is the user's first here. */
	boolean addLocal(String user) {
		return this.local.merge(user, 1, Integer::sum) == 1;
	}

	/** Counts one connection of {@code user} less here; whether it was the user's last here. */
	boolean removeLocal(String user) {
		Integer count = this.local.computeIfPresent(user, (key, current) -> (current > 1) ? current - 1 : null);
		return count == null;
	}

	/**
	 * Replaces what {@code node} has with {@code users} (its full state, or its empty one when it left).
	 * @return the users that came online and went offline anywhere because of it
	 */
	Diff replaceNode(String node, Set<String> users) {
		Set<String> before = all();
		if (users.isEmpty()) {
			this.byNode.remove(node);
		}
		else {
			this.byNode.put(node, new HashSet<>(users));
		}
		Set<String> after = all();
		List<String> joined = new ArrayList<>();
		List<String> left = new ArrayList<>();
		for (String user : after) {
			if (!before.contains(user)) {
				joined.add(user);
			}
		}
		for (String user : before) {
			if (!after.contains(user)) {
				left.add(user);
			}
		}
		return new Diff(joined, left);
	}

	/** Adds one user of another node; whether the user came online because of it. */
	boolean addRemote(String node, String user) {
		boolean wasOnline = isOnline(user);
		this.byNode.computeIfAbsent(node, (key) -> new HashSet<>()).add(user);
		return !wasOnline;
	}

	/** Removes one user of another node; whether the user went offline because of it. */
	boolean removeRemote(String node, String user) {
		Set<String> users = this.byNode.get(node);
		if (users == null || !users.remove(user)) {
			return false;
		}
		if (users.isEmpty()) {
			this.byNode.remove(node);
		}
		return !isOnline(user);
	}

	boolean isOnline(String user) {
		if (this.local.containsKey(user)) {
			return true;
		}
		for (Set<String> users : this.byNode.values()) {
			if (users.contains(user)) {
				return true;
			}
		}
		return false;
	}

	boolean isHere(String user) {
		return this.local.containsKey(user);
	}

	/** Everyone online, sorted so that answers are stable. */
	Set<String> all() {
		Set<String> users = new TreeSet<>(this.local.keySet());
		this.byNode.values().forEach(users::addAll);
		return users;
	}

	/** This node's users. */
	Set<String> here() {
		return new TreeSet<>(this.local.keySet());
	}

	/** The users that came online and went offline through one change. */
	record Diff(List<String> joined, List<String> left) {

	}

}
