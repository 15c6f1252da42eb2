package io.sluice.gateway.rpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import reactor.core.scheduler.Scheduler;

import io.sluice.gateway.session.Connection;

/**
 * Picks the provider a call goes to next: one of this node's that the call has not tried, and only when there is
 * none left, another node that has not been tried and says it has one (as deepstream does). Random among the
 * candidates unless shuffling is off.
 */
final class RpcRouter {

	private final LocalProviders local;

	private final RpcNodes nodes;

	private final RpcProperties properties;

	private final Scheduler scheduler;

	RpcRouter(LocalProviders local, RpcNodes nodes, RpcProperties properties, Scheduler scheduler) {
		this.local = local;
		this.nodes = nodes;
		this.properties = properties;
		this.scheduler = scheduler;
	}

	/**
	 * The next provider for a call, or {@code null} when every one was tried.
	 * @param tried the providers tried already, or {@code null} for none
	 */
	RpcEndpoint next(String name, List<RpcEndpoint> tried, boolean remoteAllowed) {
		// The usual case is one candidate, or a first pick among a few: no list is made until a second one is seen.
		RpcEndpoint first = null;
		List<RpcEndpoint> candidates = null;
		for (Connection connection : this.local.providers(name)) {
			if (connection.isOpen() && !triedLocally(tried, connection)) {
				RpcEndpoint endpoint = new RpcEndpoint.Local(connection);
				if (first == null) {
					first = endpoint;
				}
				else {
					candidates = add(candidates, first, endpoint);
				}
			}
		}
		if (first == null && remoteAllowed) {
			for (String node : this.nodes.providing(name)) {
				RpcEndpoint endpoint = new RpcEndpoint.Node(node, this.nodes);
				if (tried == null || !tried.contains(endpoint)) {
					if (first == null) {
						first = endpoint;
					}
					else {
						candidates = add(candidates, first, endpoint);
					}
				}
			}
		}
		if (candidates == null || !this.properties.shuffleProviders()) {
			return first;
		}
		return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
	}

	private static boolean triedLocally(List<RpcEndpoint> tried, Connection connection) {
		if (tried != null) {
			for (int i = 0; i < tried.size(); i++) {
				if (tried.get(i) instanceof RpcEndpoint.Local local && local.connection() == connection) {
					return true;
				}
			}
		}
		return false;
	}

	private static List<RpcEndpoint> add(List<RpcEndpoint> candidates, RpcEndpoint first, RpcEndpoint another) {
		List<RpcEndpoint> all = candidates;
		if (all == null) {
			all = new ArrayList<>(4);
			all.add(first);
		}
		all.add(another);
		return all;
	}

	Duration acceptTimeout() {
		return this.properties.acceptTimeout();
	}

	Duration responseTimeout() {
		return this.properties.responseTimeout();
	}

	Scheduler scheduler() {
		return this.scheduler;
	}

}
