package io.sluice.gateway.session;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

/**
 * The clocks of one connection, as deepstream keeps them: a client that has not logged in within
 * {@code unauthenticated-client-timeout} is told {@code AUTHENTICATION_TIMEOUT} and closed, and a client silent for
 * longer than {@code heartbeat-timeout} (it should ping every {@code heartbeatInterval}) is closed as dead.
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

	/** Runs the connection's timers until it closes; never fails. */
	Mono<Void> watch(Connection connection) {
		connection.heard(now());
		Mono<Void> authentication = Mono.delay(this.authTimeout, this.scheduler).doOnNext((tick) -> {
			if (connection.state() != Connection.State.OPEN) {
				logger.debug("{} did not log in within {}", connection, this.authTimeout);
				connection.send(Message.builder(Topic.CONNECTION, ConnectionAction.AUTHENTICATION_TIMEOUT).build());
				connection.close(AUTH_TIMEOUT_CLOSE, "Not authenticated within " + this.authTimeout.toSeconds() + "s");
			}
		}).then();
		// Checked four times per timeout, so a dead connection lives at most a quarter longer than the timeout.
		Duration period = this.heartbeatTimeout.dividedBy(4);
		Mono<Void> heartbeat = Flux.interval(period, period, this.scheduler)
			.filter((tick) -> now() - connection.lastHeard() > this.heartbeatTimeout.toMillis())
			.next()
			.doOnNext((tick) -> {
				logger.debug("{} was silent for longer than {}", connection, this.heartbeatTimeout);
				connection.close(HEARTBEAT_CLOSE,
						"Heartbeat timeout: nothing received for " + this.heartbeatTimeout.toSeconds() + "s");
			})
			.then();
		return Mono.when(authentication, heartbeat).takeUntilOther(connection.closing());
	}

}
