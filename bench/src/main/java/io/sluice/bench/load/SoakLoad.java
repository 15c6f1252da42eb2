package io.sluice.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.sluice.bench.wire.Frame;
import io.sluice.bench.wire.Frames;

/**
 * The soak's load mix, every kind at once at modest rates:
 * <ul>
 * <li>events: one publisher emitting {@value #EVENTS_PER_SECOND}/s to {@value #EVENT_SUBSCRIBERS} subscribers;</li>
 * <li>records: one writer updating {@value #RECORDS_PER_SECOND}/s over {@value #RECORD_NAMES} records, watched by
 * two subscribers; every {@value #GENERATION_SECONDS} s a new writer and new subscribers move to
 * {@value #RECORD_NAMES} new names and the old connections close, so records keep being created and left
 * ({@link SoakRecords});</li>
 * <li>RPC: a provider answering {@value #RPC_PER_SECOND} calls/s from a caller;</li>
 * <li>connects: a new client every {@value #CONNECT_EVERY_MILLIS} ms connects, logs in, subscribes to the event,
 * stays {@value #CONNECTED_MILLIS} ms and disconnects ({@link SoakChurn});</li>
 * <li>slow consumers: {@value #SLOW_CONSUMERS} clients subscribe to a bulk event ({@value #BULK_BYTES}-byte
 * messages, {@value #BULK_PER_SECOND}/s) and then stop reading, or read 1 KiB every
 * {@value #SLOW_READ_MILLIS} ms; the server must cut them under its outbound policy ({@code outbound-budget},
 * {@code stall-timeout}, {@code outbound-limit}). Each cut is counted, not an error, and the client comes back
 * ({@link SoakChurn}).</li>
 * </ul>
 * Errors ({@link SoakErrors}): error frames, connections the server closed that it should have kept, failed connects
 * or log-ins, and requests unanswered after {@value #TIMEOUT_SECONDS} s (subscriptions, record reads, RPC calls).
 */
final class SoakLoad {

	static final int EVENTS_PER_SECOND = 200;

	static final int EVENT_SUBSCRIBERS = 20;

	static final int RECORDS_PER_SECOND = 100;

	static final int RECORD_NAMES = 50;

	static final int GENERATION_SECONDS = 60;

	static final int RPC_PER_SECOND = 50;

	static final int CONNECT_EVERY_MILLIS = 200;

	static final int CONNECTED_MILLIS = 2000;

	static final int SLOW_CONSUMERS = 4;

	static final int BULK_BYTES = 8192;

	static final int BULK_PER_SECOND = 20;

	static final int SLOW_READ_MILLIS = 500;

	static final int TIMEOUT_SECONDS = 10;

	private static final int TICK_MILLIS = 50;

	private static final int TICKS_PER_SECOND = 1000 / TICK_MILLIS;

	private final String padding;

	private final String event;

	private final String bulk;

	private final String rpc;

	private final byte[] bulkData;

	private final SoakErrors errors;

	private final SoakConnections connections;

	private final SoakRecords records;

	private final SoakChurn churn;

	private final LoadClient client;

	private final LongAdder eventsDelivered = new LongAdder();

	private final LongAdder rpcAnswered = new LongAdder();

	private final CountDownLatch provided = new CountDownLatch(1);

	private final Map<String, Long> rpcPending = new ConcurrentHashMap<>();

	private final AtomicLong correlation = new AtomicLong();

	private ClientConnection publisher;

	private ClientConnection caller;

	private long tick;

	/**
	 * @param client the connections of the steady load, the records and the connect cycles
	 * @param id what makes this run's names its own
	 * @param padding what pads each message's data
	 */
	SoakLoad(LoadClient client, String id, String padding, SoakErrors errors) {
		this.client = client;
		this.padding = padding;
		this.event = "soak/event/" + id;
		this.bulk = "soak/bulk/" + id;
		this.rpc = "soak/rpc/" + id;
		this.bulkData = Frames.timestamped(0, "b".repeat(BULK_BYTES));
		this.errors = errors;
		this.connections = new SoakConnections(errors);
		this.records = new SoakRecords(client, id, padding, this.connections, errors);
		this.churn = new SoakChurn(client, this.event, this.bulk, this::onSubscriberFrame, this.connections, errors);
	}

	/** The counters the samples are taken from. */
	record Counts(long eventsDelivered, long recordWrites, long recordUpdates, long rpcAnswered, long connectCycles,
			long slowCuts, long errors) {

	}

	/**
	 * Starts the load: the steady part (events, RPC, records) through this load's client, then the driver's ticks and
	 * connect cycles, and the slow consumers through {@code slowClient}.
	 */
	void start(LoadClient slowClient, ScheduledExecutorService driver) throws Exception {
		startSteadyLoad();
		driver.scheduleAtFixedRate(this.errors.guard(this::tick), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
		driver.scheduleAtFixedRate(this.errors.guard(this.churn::connectCycle), CONNECT_EVERY_MILLIS,
				CONNECT_EVERY_MILLIS, TimeUnit.MILLISECONDS);
		for (int i = 0; i < SLOW_CONSUMERS; i++) {
			this.churn.slowConsumer(slowClient, i % 2 == 1);
		}
	}

	/** From now on, a connection that closes is no error, and nothing more is scheduled. */
	void stop() {
		this.connections.stop();
	}

	/** Closes every connection still open. */
	void closeAll() {
		this.connections.closeAll();
	}

	Counts counts() {
		return new Counts(this.eventsDelivered.sum(), this.records.writes.sum(), this.records.updates.sum(),
				this.rpcAnswered.sum(), this.churn.connectCycles.sum(), this.churn.slowCuts.sum(), this.errors.count());
	}

	int generations() {
		return this.records.generations();
	}

	// --- The steady load --------------------------------------------------------------------------------------------

	private void startSteadyLoad() throws Exception {
		List<ClientConnection> subscribers = this.client.connectAll(EVENT_SUBSCRIBERS, 20, this::onSubscriberFrame);
		for (int i = 0; i < subscribers.size(); i++) {
			this.connections.watch(subscribers.get(i), "event subscriber");
			subscribers.get(i).send(Frames.eventSubscribe(this.event, "s" + i));
		}
		this.publisher = this.connections.watch(
				this.client.connect(this::onOtherFrame).get(30, TimeUnit.SECONDS), "event publisher");
		this.connections.scheduleOn(this.publisher.channel().eventLoop());
		ClientConnection provider = this.connections.watch(
				this.client.connect(this::onProviderFrame).get(30, TimeUnit.SECONDS), "rpc provider");
		provider.send(Frames.rpcProvide(this.rpc, "provide"));
		this.caller = this.connections.watch(this.client.connect(this::onCallerFrame).get(30, TimeUnit.SECONDS),
				"rpc caller");
		if (!this.provided.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The RPC provider's PROVIDE was not acknowledged in 30 s");
		}
		// Let the event subscriptions register before the first emits.
		Thread.sleep(1000);
		this.records.next();
	}

	private void tick() {
		long now = System.nanoTime();
		this.tick++;
		int events = share(EVENTS_PER_SECOND);
		if (events > 0 || this.tick % (TICKS_PER_SECOND / BULK_PER_SECOND) == 0) {
			List<byte[]> frames = new ArrayList<>(events + 1);
			for (int i = 0; i < events; i++) {
				frames.add(Frames.eventEmit(this.event, Frames.timestamped(now, this.padding)));
			}
			if (this.tick % (TICKS_PER_SECOND / BULK_PER_SECOND) == 0) {
				frames.add(Frames.eventEmit(this.bulk, this.bulkData));
			}
			sendAll(this.publisher, frames);
		}
		int calls = share(RPC_PER_SECOND);
		List<byte[]> requests = new ArrayList<>(calls);
		for (int i = 0; i < calls; i++) {
			String id = Long.toString(this.correlation.incrementAndGet());
			this.rpcPending.put(id, now);
			requests.add(Frames.rpcRequest(this.rpc, id, Frames.timestamped(now, this.padding)));
		}
		sendAll(this.caller, requests);
		this.records.write(share(RECORDS_PER_SECOND));
		if (this.tick % (GENERATION_SECONDS * TICKS_PER_SECOND) == 0) {
			this.records.next();
		}
	}

	/** This tick's share of a rate per second, spread evenly over the ticks of each second. */
	private int share(int perSecond) {
		long second = this.tick / TICKS_PER_SECOND;
		int index = (int) (this.tick % TICKS_PER_SECOND);
		long before = (second * TICKS_PER_SECOND + index) * perSecond / TICKS_PER_SECOND;
		long after = (second * TICKS_PER_SECOND + index + 1) * perSecond / TICKS_PER_SECOND;
		return (int) (after - before);
	}

	static void sendAll(ClientConnection connection, List<byte[]> frames) {
		if (frames.isEmpty()) {
			return;
		}
		connection.channel().eventLoop().execute(() -> {
			for (byte[] frame : frames) {
				connection.write(frame);
			}
			connection.flush();
		});
	}

	private void onSubscriberFrame(ClientConnection connection, Frame frame) {
		if (frame.topic() == Frames.TOPIC_EVENT && frame.action() == Frames.EVENT_EMIT) {
			this.eventsDelivered.increment();
		}
		else {
			onOtherFrame(connection, frame);
		}
	}

	private void onOtherFrame(ClientConnection connection, Frame frame) {
		this.errors.unexpected(frame);
	}

	private void onProviderFrame(ClientConnection connection, Frame frame) {
		if (frame.topic() == Frames.TOPIC_RPC && frame.action() == Frames.RPC_REQUEST && !frame.isAck()) {
			String id = frame.correlationId();
			String name = frame.name();
			connection.writeAfterRead(Frames.rpcAccept(name, id));
			connection.writeAfterRead(Frames.rpcResponse(name, id, frame.data().getBytes(StandardCharsets.UTF_8)));
		}
		else if (frame.topic() == Frames.TOPIC_RPC && frame.action() == Frames.RPC_PROVIDE && frame.isAck()) {
			this.provided.countDown();
		}
		else if (!frame.isAck()) {
			onOtherFrame(connection, frame);
		}
	}

	private void onCallerFrame(ClientConnection connection, Frame frame) {
		if (frame.topic() == Frames.TOPIC_RPC && frame.action() == Frames.RPC_ACCEPT) {
			return;
		}
		if (frame.topic() == Frames.TOPIC_RPC && frame.action() == Frames.RPC_RESPONSE) {
			if (this.rpcPending.remove(frame.correlationId()) != null) {
				this.rpcAnswered.increment();
			}
			return;
		}
		if (frame.topic() == Frames.TOPIC_RPC) {
			// Counted here, not again as a timeout.
			this.rpcPending.remove(frame.correlationId());
		}
		onOtherFrame(connection, frame);
	}

	/** Counts the calls outstanding for longer than the timeout as errors, once each. */
	void sweepRpc(long now) {
		long limit = now - TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
		this.rpcPending.entrySet().removeIf((entry) -> {
			if (entry.getValue() < limit) {
				this.errors.error("RPC call unanswered after " + TIMEOUT_SECONDS + " s",
						"correlation id " + entry.getKey());
				return true;
			}
			return false;
		});
	}

}
