package io.sluice.bench.load;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.sluice.bench.wire.Frames;

/**
 * The soak's clients that come and go: a client that connects, logs in, subscribes to the event, stays
 * {@value SoakLoad#CONNECTED_MILLIS} ms and disconnects, one cycle at a time from the driver (at most 50 under way);
 * and slow consumers of the bulk event that the server must cut under its outbound policy, each coming back a
 * second after its cut.
 */
final class SoakChurn {

	final LongAdder connectCycles = new LongAdder();

	final LongAdder slowCuts = new LongAdder();

	private final LoadClient client;

	private final String event;

	private final String bulk;

	private final ClientConnection.Listener onEventFrame;

	private final SoakConnections connections;

	private final SoakErrors errors;

	private final AtomicInteger connecting = new AtomicInteger();

	/**
	 * @param client the connect cycles' connections
	 * @param onEventFrame what the connect cycles' clients do with a frame other than their subscription's
	 * acknowledgement
	 */
	SoakChurn(LoadClient client, String event, String bulk, ClientConnection.Listener onEventFrame,
			SoakConnections connections, SoakErrors errors) {
		this.client = client;
		this.event = event;
		this.bulk = bulk;
		this.onEventFrame = onEventFrame;
		this.connections = connections;
		this.errors = errors;
	}

	/** One connect cycle: connect, log in, subscribe to the event, stay a while and disconnect. */
	void connectCycle() {
		if (this.connecting.get() > 50) {
			return;
		}
		this.connecting.incrementAndGet();
		AtomicInteger acknowledged = new AtomicInteger();
		this.client.connect((connection, frame) -> {
			if (frame.topic() == Frames.TOPIC_EVENT && frame.action() == Frames.EVENT_SUBSCRIBE && frame.isAck()) {
				acknowledged.incrementAndGet();
				this.connections.schedule(() -> this.connections.closeOnPurpose(connection),
						SoakLoad.CONNECTED_MILLIS);
			}
			else {
				this.onEventFrame.onFrame(connection, frame);
			}
		}).orTimeout(30, TimeUnit.SECONDS).whenComplete((connection, failure) -> {
			if (failure != null) {
				this.connecting.decrementAndGet();
				this.errors.error("connect and log-in failed", failure.toString());
				return;
			}
			this.connections.watch(connection, "connecting client");
			connection.channel().closeFuture().addListener((done) -> {
				this.connecting.decrementAndGet();
				this.connectCycles.increment();
			});
			connection.send(Frames.eventSubscribe(this.event, "c"));
			this.connections.schedule(() -> {
				if (acknowledged.get() == 0 && connection.channel().isActive()) {
					this.errors.error("event subscription unacknowledged after " + SoakLoad.TIMEOUT_SECONDS + " s",
							connection.channel().toString());
					this.connections.closeOnPurpose(connection);
				}
			}, SoakLoad.TIMEOUT_SECONDS * 1000L);
		});
	}

	/**
	 * One slow consumer: subscribes to the bulk event, then stops reading (or reads 1 KiB per
	 * {@value #SLOW_READ_MILLIS} ms) until the server cuts it, then comes back a second later.
	 */
	void slowConsumer(LoadClient client, boolean readsSlowly) {
		if (!this.connections.running()) {
			return;
		}
		AtomicInteger acknowledged = new AtomicInteger();
		client.connect((connection, frame) -> {
			if (frame.topic() == Frames.TOPIC_EVENT && frame.action() == Frames.EVENT_SUBSCRIBE && frame.isAck()) {
				connection.channel().config().setAutoRead(false);
				acknowledged.incrementAndGet();
				if (readsSlowly) {
					ScheduledFuture<?> reads = connection.channel()
						.eventLoop()
						.scheduleAtFixedRate(() -> connection.channel().read(), SoakLoad.SLOW_READ_MILLIS,
								SoakLoad.SLOW_READ_MILLIS, TimeUnit.MILLISECONDS);
					connection.channel().closeFuture().addListener((done) -> reads.cancel(false));
				}
			}
			else if (frame.isError() || frame.action() >= 100) {
				this.errors.error("slow consumer: error frame", frame.toString());
			}
		}).orTimeout(30, TimeUnit.SECONDS).whenComplete((connection, failure) -> {
			if (failure != null) {
				this.errors.error("slow consumer could not connect", failure.toString());
				this.connections.schedule(() -> slowConsumer(client, readsSlowly), 1000);
				return;
			}
			this.connections.track(connection);
			connection.channel().closeFuture().addListener((done) -> {
				if (!this.connections.running()) {
					return;
				}
				if (acknowledged.get() == 0) {
					this.errors.error("slow consumer closed before its subscription was acknowledged",
							"close code " + connection.closeCode());
				}
				else if (connection.closeCode() != -1 && connection.closeCode() != 1008) {
					// A client that stopped reading may never read the close frame (-1); one that read it must see
					// the outbound policy's code.
					this.errors.error("slow consumer closed with a code other than 1008",
							"close code " + connection.closeCode());
				}
				else {
					this.slowCuts.increment();
				}
				this.connections.schedule(() -> slowConsumer(client, readsSlowly), 1000);
			});
			connection.send(Frames.eventSubscribe(this.bulk, "slow"));
		});
	}

}
