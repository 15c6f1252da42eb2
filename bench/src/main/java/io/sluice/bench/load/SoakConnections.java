package io.sluice.bench.load;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;

/**
 * The soak's connections: those open now, closed at the end; those this side closes on purpose, whose closing is
 * no error; and the load's timed tasks, run on one event loop while the soak runs.
 */
final class SoakConnections {

	private final SoakErrors errors;

	/** Connections this side closes on purpose: their closing is no error. */
	private final Set<ClientConnection> closing = ConcurrentHashMap.newKeySet();

	/** Connections open now, to close at the end. */
	private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();

	private volatile boolean running = true;

	private volatile EventLoop loop;

	SoakConnections(SoakErrors errors) {
		this.errors = errors;
	}

	/** The event loop that runs {@link #schedule scheduled} tasks; set once, before the first is scheduled. */
	void scheduleOn(EventLoop loop) {
		this.loop = loop;
	}

	boolean running() {
		return this.running;
	}

	/** Counts the connection's closing as an error unless this side closed it on purpose. */
	ClientConnection watch(ClientConnection connection, String role) {
		this.open.add(connection);
		connection.channel().closeFuture().addListener((done) -> {
			this.open.remove(connection);
			if (!this.closing.remove(connection) && this.running) {
				this.errors.error(role + " closed by the server", "close code " + connection.closeCode());
			}
		});
		return connection;
	}

	/** Keeps a connection that is not {@link #watch watched} among the open ones until it closes. */
	void track(ClientConnection connection) {
		this.open.add(connection);
		connection.channel().closeFuture().addListener((done) -> this.open.remove(connection));
	}

	void closeOnPurpose(ClientConnection connection) {
		this.closing.add(connection);
		connection.close();
	}

	void schedule(Runnable task, long millis) {
		if (this.running) {
			this.loop.schedule(this.errors.guard(task), millis, TimeUnit.MILLISECONDS);
		}
	}

	/** From now on, a connection that closes is no error, and nothing more is scheduled. */
	void stop() {
		this.running = false;
	}

	/** Closes every connection still open, on purpose. */
	void closeAll() {
		this.closing.addAll(this.open);
		this.open.forEach(ClientConnection::close);
	}

}
