package io.sluice.gateway.session;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

/**
 * The open connections of this node, so that a graceful shutdown can tell each to reconnect elsewhere. The
 * deepstream client has no message meaning "go away and come back": it ignores a {@code CONNECTION CLOSING} from
 * the server and treats the close that follows as a lost connection, which it reconnects at once (to the same URL,
 * that is to another node behind the load balancer). {@code REDIRECT} is honoured only while the client is
 * challenging, and would need another node's address, so it is not used.
 */
final class ConnectionRegistry {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionRegistry.class);

	/** The server is going away (RFC 6455). */
	static final int GOING_AWAY = 1001;

	static final String SHUTDOWN_REASON = "Server shutting down: reconnect";

	private final Set<Connection> open = ConcurrentHashMap.newKeySet();

	private final Sinks.Empty<Void> drained = Sinks.empty();

	private volatile boolean draining;

	/** Registers a new connection; {@code false} once draining has begun, when it should be closed at once. */
	boolean add(Connection connection) {
		if (this.draining) {
			return false;
		}
		this.open.add(connection);
		if (this.draining) {
			// drain() may have missed it: close it here, as drain() would.
			remove(connection);
			return false;
		}
		return true;
	}

	void remove(Connection connection) {
		if (this.open.remove(connection) && this.draining && this.open.isEmpty()) {
			this.drained.tryEmitEmpty();
		}
	}

	/** The open connections: a live view, for the timers' sweep. */
	Iterable<Connection> connections() {
		return this.open;
	}

	int size() {
		return this.open.size();
	}

	long largestOutboundQueue() {
		long largest = 0;
		for (Connection connection : this.open) {
			largest = Math.max(largest, connection.outbound().queued());
		}
		return largest;
	}

	boolean isDraining() {
		return this.draining;
	}

	/**
	 * Tells every connection the server is closing, closes it, and completes once all are gone or {@code timeout}
	 * has passed, after which those left are dropped.
	 */
	Mono<Void> drain(Duration timeout) {
		this.draining = true;
		int count = this.open.size();
		logger.info("Telling {} connected clients to reconnect elsewhere", count);
		Message notice = Message.builder(Topic.CONNECTION, ConnectionAction.CLOSING).build();
		for (Connection connection : this.open) {
			connection.send(notice);
			connection.close(GOING_AWAY, SHUTDOWN_REASON);
		}
		if (this.open.isEmpty()) {
			this.drained.tryEmitEmpty();
		}
		return this.drained.asMono().timeout(timeout, Mono.fromRunnable(() -> {
			logger.warn("{} clients still connected after {}; dropping them", this.open.size(), timeout);
			for (Connection connection : this.open) {
				connection.closeNow(GOING_AWAY, SHUTDOWN_REASON);
			}
		}));
	}

}
