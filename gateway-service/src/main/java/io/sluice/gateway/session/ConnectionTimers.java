package io.sluice.gateway.session;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

/**
 * The clocks of the connections, as deepstream keeps them: a client whose first login has not been answered within
 * {@code unauthenticated-client-timeout} of connecting is told {@code AUTHENTICATION_TIMEOUT} and closed, and a
 * client silent for longer than {@code heartbeat-timeout} (it should ping every {@code heartbeatInterval}) is closed
 * as dead. The login clock stops at the first answer, refused as well as accepted (a refused client may try again
 * until it runs out of attempts), and does not cut a login that is being decided ({@link Connection#awaitingLogin()}).
 *
 * <p>One periodic sweep over every connection, rather than timers per connection (which cost an idle connection
 * more than the rest of its state): it runs four times per the shorter timeout, so a connection outlives its deadline
 * by at most a quarter of that timeout.
 */
final class ConnectionTimers {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionTimers.class);

	/** Policy violation: the client did not log in in time. */
	static final int AUTH_TIMEOUT_CLOSE = 1008;

	/** The client stopped pinging; a normal closure, with the reason. */
	static final int HEARTBEAT_CLOSE = 1000;

	private final Duration heartbeatTimeout;

	private final Duration authTimeout;

	private final Scheduler scheduler;

	ConnectionTimers(GatewayProperties properties, Scheduler scheduler) {
		this.heartbeatTimeout = properties.heartbeatTimeout();
		this.authTimeout = properties.unauthenticatedClientTimeout();
		this.scheduler = scheduler;
	}

	/** Now, on the clock the timers run on. */
	long now() {
		return this.scheduler.now(TimeUnit.MILLISECONDS);
	}

	/** Starts the clocks of a connection that has just opened. */
	void opened(Connection connection) {
		connection.opened(now());
	}

	/** How often the sweep runs. */
	Duration period() {
		Duration shorter = (this.heartbeatTimeout.compareTo(this.authTimeout) <= 0) ? this.heartbeatTimeout
				: this.authTimeout;
		return shorter.dividedBy(4);
	}

	/** Starts the timers of every connection {@code connections} holds at each sweep; dispose to stop them. */
	Disposable start(Iterable<Connection> connections) {
		long period = period().toMillis();
		return this.scheduler.schedulePeriodically(() -> sweep(connections), period, period, TimeUnit.MILLISECONDS);
	}

	/** Closes the connections whose time is up; never fails. */
	void sweep(Iterable<Connection> connections) {
		long now = now();
		for (Connection connection : connections) {
			try {
				check(connection, now);
			}
			catch (RuntimeException ex) {
				logger.error("Checking the timers of {} failed", connection, ex);
			}
		}
	}

	private void authTimedOut(Connection connection) {
		if (!connection.isOpen() || !connection.awaitingLogin()) {
			return;
		}
		logger.debug("{} did not log in within {}", connection, this.authTimeout);
		connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.AUTHENTICATION_TIMEOUT).build());
		connection.close(AUTH_TIMEOUT_CLOSE, "Not authenticated within " + this.authTimeout.toSeconds() + "s");
	}

	private void check(Connection connection, long now) {
		if (!connection.isOpen()) {
			return;
		}
		if (connection.awaitingLogin() && now - connection.openedAt() >= this.authTimeout.toMillis()) {
			// Decided on the connection's event loop, after what it has already received: when this process was held
			// up (a pause, a busy machine), a challenge or login the client sent in time is read before the verdict.
			EventLoop loop = connection.eventLoop();
			if (loop.inEventLoop()) {
				authTimedOut(connection);
			}
			else {
				loop.execute(() -> authTimedOut(connection));
			}
		}
		else if (now - connection.lastHeard() > this.heartbeatTimeout.toMillis()) {
			logger.debug("{} was silent for longer than {}", connection, this.heartbeatTimeout);
			connection.close(HEARTBEAT_CLOSE,
					"Heartbeat timeout: nothing received for " + this.heartbeatTimeout.toSeconds() + "s");
		}
	}

}
