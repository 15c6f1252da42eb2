package io.sluice.connector.sql;

import java.util.ArrayDeque;
import java.util.function.Function;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;

import io.sluice.connector.ConnectorException;

/**
 * One connection kept for a store's writes and lent to one unit of work at a time, in the order asked for:
 * nothing is acquired (and so validated) from the pool per write. Made for H2, whose commits are written one at a
 * time to its one file anyway, so one connection costs no concurrency.
 *
 * <p>The connection is taken from the factory on first use; after a unit of work fails for any reason but a lost
 * race (which says nothing about the connection) it is given back, and the next unit takes a new one. A unit that
 * has to wait for the connection is started on {@code scheduler} once it is free, never on the thread that freed
 * it, which is answering its own unit.
 */
final class HeldConnection implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HeldConnection.class);

	private final ConnectionFactory factory;

	private final Scheduler scheduler;

	private final Object lock = new Object();

	private final ArrayDeque<Turn<?>> waiting = new ArrayDeque<>();

	/** Guarded by the lock. */
	private boolean busy;

	/** Guarded by the lock; {@code null} until first used, after a failure and once closed. */
	private Connection connection;

	/** Guarded by the lock. */
	private boolean closed;

	HeldConnection(ConnectionFactory factory, Scheduler scheduler) {
		this.factory = factory;
		this.scheduler = scheduler;
	}

	/**
	 * Runs {@code work} on the connection once every unit asked for before has ended. The connection is in
	 * auto-commit mode when lent, and must be left so.
	 */
	<T> Mono<T> use(Function<Connection, Mono<T>> work) {
		return Mono.create((sink) -> {
			Turn<T> turn = new Turn<>(work, sink);
			synchronized (this.lock) {
				if (this.closed) {
					sink.error(new ConnectorException("sql", "The store's write connection is closed"));
					return;
				}
				if (this.busy) {
					this.waiting.add(turn);
					return;
				}
				this.busy = true;
			}
			run(turn);
		});
	}

	/** Gives the connection back; units still waiting fail. */
	@Override
	public void close() {
		Connection held;
		synchronized (this.lock) {
			this.closed = true;
			held = this.connection;
			this.connection = null;
			for (Turn<?> turn : this.waiting) {
				turn.sink.error(new ConnectorException("sql", "The store's write connection was closed"));
			}
			this.waiting.clear();
		}
		if (held != null) {
			Mono.from(held.close()).block();
		}
	}

	private <T> void run(Turn<T> turn) {
		Mono<T> work;
		try {
			work = connection().flatMap(turn.work);
		}
		catch (RuntimeException ex) {
			work = Mono.error(ex);
		}
		boolean[] valued = new boolean[1];
		// The connection's own machinery, not a request path: the unit's sink gets every signal.
		work.subscribe((value) -> {
			valued[0] = true;
			ended(null);
			turn.sink.success(value);
		}, (error) -> {
			ended(error);
			turn.sink.error(error);
		}, () -> {
			if (!valued[0]) {
				ended(null);
				turn.sink.success();
			}
		});
	}

	private Mono<Connection> connection() {
		synchronized (this.lock) {
			if (this.closed) {
				return Mono.error(new ConnectorException("sql", "The store's write connection was closed"));
			}
			if (this.connection != null) {
				return Mono.just(this.connection);
			}
		}
		// Auto-commit is what use() promises; a pooled connection should already be so, but say it once.
		return Mono.from(this.factory.create()).flatMap((created) -> Mono.from(created.setAutoCommit(true))
			.thenReturn(created)).flatMap((created) -> {
			synchronized (this.lock) {
				if (!this.closed) {
					this.connection = created;
					return Mono.just(created);
				}
			}
			return Mono.from(created.close())
				.then(Mono.error(new ConnectorException("sql", "The store's write connection was closed")));
		});
	}

	/** Frees the connection (giving it back after a failure) and starts the next unit waiting, if any. */
	private void ended(Throwable error) {
		Connection discarded = null;
		Turn<?> next;
		synchronized (this.lock) {
			if (error != null && !isLostRace(error)) {
				discarded = this.connection;
				this.connection = null;
			}
			next = this.waiting.poll();
			if (next == null) {
				this.busy = false;
			}
		}
		if (discarded != null) {
			logger.debug("Giving back the store's write connection after a failure: {}", error.toString());
			// Not a request path: closing a connection that failed, whose outcome no writer waits for.
			Mono.from(discarded.close()).subscribe(null, (ex) -> logger.debug("Closing it failed: {}", ex.toString()));
		}
		if (next != null) {
			Turn<?> following = next;
			this.scheduler.schedule(() -> run(following));
		}
	}

	private static boolean isLostRace(Throwable error) {
		return error instanceof DataIntegrityViolationException || error instanceof ConcurrencyFailureException;
	}

	private record Turn<T>(Function<Connection, Mono<T>> work, MonoSink<T> sink) {
	}

}
