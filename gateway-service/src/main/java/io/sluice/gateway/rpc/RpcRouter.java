package io.sluice.gateway.rpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

	/** The next provider for a call, or {@code null} when every one was tried. */
	RpcEndpoint next(String name, Set<RpcEndpoint> tried, boolean remoteAllowed) {
		List<RpcEndpoint> candidates = new ArrayList<>();
		for (Connection connection : this.local.providers(name)) {
			RpcEndpoint endpoint = new RpcEndpoint.Local(connection);
			if (connection.isOpen() && !tried.contains(endpoint)) {
				candidates.add(endpoint);
			}
		}
		if (candidates.isEmpty() && remoteAllowed) {
			for (String node : this.nodes.providing(name)) {
				RpcEndpoint endpoint = new RpcEndpoint.Node(node, this.nodes);
				if (!tried.contains(endpoint)) {
					candidates.add(endpoint);
				}
			}
		}
		if (candidates.isEmpty()) {
			return null;
		}
		int index = this.properties.shuffleProviders() ? ThreadLocalRandom.current().nextInt(candidates.size()) : 0;
		return candidates.get(index);
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
