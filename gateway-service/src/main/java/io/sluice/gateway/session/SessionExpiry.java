package io.sluice.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

/**
 * Ends the sessions whose login expires (a JWT's {@code exp}, {@link io.sluice.gateway.auth.AuthResult#expiresAt()}):
 * at that time the client is sent {@code CONNECTION CLOSED} and the connection is closed (1008, "Authentication
 * expired"). deepstream has no message for an expired login; the client ignores this one, takes the closed socket as
 * a lost connection, reconnects and logs in again with the auth data it has, which an expired token no longer passes:
 * the application hears of it as a failed re-authentication and can log in with a new token.
 *
 * <p>A timer on the connection's own event loop, only for logins that expire, cancelled when the connection closes.
 */
final class SessionExpiry {

	private static final Logger logger = LoggerFactory.getLogger(SessionExpiry.class);

	/** Policy violation: the login is no longer valid. */
	static final int EXPIRED_CLOSE = 1008;

	static final String EXPIRED_REASON = "Authentication expired";

	private final Map<Connection, Future<?>> timers = new ConcurrentHashMap<>();

	private final Clock clock;

	SessionExpiry(Clock clock) {
		this.clock = clock;
	}

	/** Closes {@code connection} at {@code expiresAt}. */
	void schedule(Connection connection, Instant expiresAt) {
		long delay = Math.max(0, Duration.between(this.clock.instant(), expiresAt).toMillis());
		Future<?> timer = connection.eventLoop().schedule(() -> expire(connection), delay, TimeUnit.MILLISECONDS);
		Future<?> previous = this.timers.put(connection, timer);
		if (previous != null) {
			previous.cancel(false);
		}
	}

	/** Forgets the timer of a connection that closed. */
	void cancel(Connection connection) {
		Future<?> timer = this.timers.remove(connection);
		if (timer != null) {
			timer.cancel(false);
		}
	}

	private void expire(Connection connection) {
		this.timers.remove(connection);
		if (!connection.isOpen()) {
			return;
		}
		logger.debug("The login of {} expired", connection);
		connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.CLOSED).build());
		connection.close(EXPIRED_CLOSE, EXPIRED_REASON);
	}

}
