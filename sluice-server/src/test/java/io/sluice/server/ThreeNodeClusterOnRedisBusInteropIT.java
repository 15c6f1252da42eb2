package io.sluice.server;

import java.util.List;

/**
 * {@link ThreeNodeClusterInterop}'s scenarios with Redis as the message bus (its pub/sub), on the same redis-server as
 * the cache.
 */
class ThreeNodeClusterOnRedisBusInteropIT extends ThreeNodeClusterInterop {

	@Override
	List<String> startBus() {
		return List.of();
	}

	@Override
	void stopBus() {
	}

	@Override
	String busName() {
		return "redis-bus";
	}

}
