package io.sluice.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.sluice.gateway.protocol.RecordAction;

/**
 * The clients of a fault test: deepstream clients on a gateway's JSON endpoint that write records with write
 * acknowledgement and subscribe to records, and that, like the deepstream client, reconnect on their own when their
 * connection drops (every {@link #RECONNECT_INTERVAL}, for ever), log in again, write again what was not answered
 * and subscribe again. They keep what the invariant is checked against: each record's last acknowledged version and
 * data, every version a client was told of, and each time a version went backwards.
 */
final class FaultLoad implements AutoCloseable {

	static final Duration RECONNECT_INTERVAL = Duration.ofMillis(250);

	/** How long a write that was answered with an error waits before it is sent again. */
	static final Duration RETRY_INTERVAL = Duration.ofMillis(200);

	/** A write without an answer for this long is sent again (and counted: the server should always answer). */
	static final Duration UNANSWERED = Duration.ofSeconds(15);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(FaultLoad.class);

	final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

	/**
	 * The newest version of each record its writer knows is applied, and that write's data: the last acknowledged
	 * one, or a later one whose acknowledgement was lost with its connection (VERSION_EXISTS for the version the
	 * writer had sent tells it so). What the store and subscribers must end at.
	 */
	final Map<String, Long> latest = new ConcurrentHashMap<>();

	final Map<String, String> latestData = new ConcurrentHashMap<>();

	/** Versions that went backwards, or a version seen with two different values: each one a broken invariant. */
	final List<String> violations = Collections.synchronizedList(new ArrayList<>());

	final AtomicLong acks = new AtomicLong();

	final AtomicLong failures = new AtomicLong();

	final AtomicLong reconnects = new AtomicLong();

	final AtomicLong unanswered = new AtomicLong();

	/** The error answers, by their text, for the report. */
	final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();

	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, (task) -> {
		Thread thread = new Thread(task, "fault-load");
		thread.setDaemon(true);
		return thread;
	});

	private final List<Connection> connections = new ArrayList<>();

	private final Duration pace;

	private volatile boolean paused;

	FaultLoad(Duration pace) {
		this.pace = pace;
	}

	/** A client that writes each of the records in turn, each next version once the last one was acknowledged. */
	Writer writer(String url, String user, List<String> records) {
		Writer writer = new Writer(url, user, records);
		this.connections.add(writer);
		// If it cannot connect yet (a gateway just started, on a loaded machine), it tries again as after a loss.
		writer.reconnect();
		return writer;
	}

	/** A client subscribed to the records, checking that what it is told of never goes backwards. */
	Subscriber subscriber(String url, String user, List<String> records) {
		Subscriber subscriber = new Subscriber(url, user, records);
		this.connections.add(subscriber);
		subscriber.reconnect();
		return subscriber;
	}

	/** Writers stop sending new versions; what is in flight goes on until it is answered. */
	void pause() {
		this.paused = true;
	}

	void resume() {
		this.paused = false;
		for (Connection connection : this.connections) {
			if (connection instanceof Writer writer) {
				writer.resume();
			}
		}
	}

	/** The writes not answered yet, by record. */
	Map<String, Long> inFlight() {
		Map<String, Long> all = new java.util.TreeMap<>();
		for (Connection connection : this.connections) {
			if (connection instanceof Writer writer) {
				all.putAll(writer.inFlight);
			}
		}
		return all;
	}

	/** Records whose subscribers have not been told of the latest version written. */
	Map<String, String> behindSubscribers() {
		Map<String, String> behind = new java.util.TreeMap<>();
		for (Connection connection : this.connections) {
			if (connection instanceof Subscriber subscriber) {
				for (String record : subscriber.records) {
					long seen = subscriber.seen.getOrDefault(record, 0L);
					long expected = this.latest.getOrDefault(record, 0L);
					if (seen != expected) {
						behind.put(record, subscriber.user + " saw " + seen + ", written " + expected);
					}
				}
			}
		}
		return behind;
	}

	private void error(String text) {
		this.errors.computeIfAbsent(text, (key) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
		for (Connection connection : this.connections) {
			connection.close();
		}
	}

	/** A connection that logs in, and on losing its socket connects again until it can. */
	private abstract class Connection implements WebSocket.Listener {

		final String user;

		private final String url;

		private final StringBuilder partial = new StringBuilder();

		private final Object sendLock = new Object();

		private volatile WebSocket socket;

		private volatile CountDownLatch loggedIn = new CountDownLatch(2);

		private volatile boolean closed;

		Connection(String url, String user) {
			this.url = url;
			this.user = user;
		}

		/** Connects and logs in; throws if it cannot. */
		void connect() throws Exception {
			this.loggedIn = new CountDownLatch(2);
			WebSocket socket = HttpClient.newBuilder()
				.connectTimeout(Duration.ofSeconds(2))
				.build()
				.newWebSocketBuilder()
				.buildAsync(URI.create(this.url), this)
				.get(5, TimeUnit.SECONDS);
			this.socket = socket;
			sendNow(socket, "{\"topic\":2,\"action\":5,\"url\":\"" + this.url + "\",\"protocolVersion\":\"0.1a\","
					+ "\"sdkVersion\":\"7.0.5\",\"sdkType\":\"javascript\",\"isAck\":false}");
			sendNow(socket, "{\"topic\":3,\"action\":2,\"parsedData\":{\"username\":\"" + this.user
					+ "\"},\"data\":\"{\\\"username\\\":\\\"" + this.user + "\\\"}\",\"isAck\":false}");
			if (!this.loggedIn.await(5, TimeUnit.SECONDS)) {
				socket.abort();
				throw new IllegalStateException(this.user + " was not logged in within 5 s");
			}
			connected();
		}

		/** Logged in (again): what the connection does first. */
		abstract void connected();

		boolean isConnected() {
			return this.socket != null;
		}

		abstract void received(JsonNode message);

		void send(String frame) {
			WebSocket socket = this.socket;
			if (socket == null) {
				return; // sent again once connected
			}
			try {
				sendNow(socket, frame);
			}
			catch (RuntimeException ex) {
				// the connection is going: what was not answered is sent again once connected
			}
		}

		private void sendNow(WebSocket socket, String frame) {
			synchronized (this.sendLock) {
				// One send at a time on a JDK WebSocket.
				socket.sendText(frame, true).orTimeout(5, TimeUnit.SECONDS).join();
			}
		}

		private void lost(WebSocket socket) {
			if (this.closed || socket != this.socket) {
				return;
			}
			this.socket = null;
			socket.abort();
			FaultLoad.this.reconnects.incrementAndGet();
			logger.info("{} lost its connection; reconnecting", this.user);
			FaultLoad.this.scheduler.schedule(this::reconnect, RECONNECT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		}

		/** Connects and logs in, or tries again every {@link #RECONNECT_INTERVAL} until it can. */
		void reconnect() {
			if (this.closed) {
				return;
			}
			try {
				connect();
			}
			catch (Exception ex) {
				WebSocket socket = this.socket;
				this.socket = null;
				if (socket != null) {
					socket.abort();
				}
				FaultLoad.this.scheduler.schedule(this::reconnect, RECONNECT_INTERVAL.toMillis(),
						TimeUnit.MILLISECONDS);
			}
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				String text = this.partial.toString();
				this.partial.setLength(0);
				try {
					JsonNode message = json.readTree(text);
					if (message.path("topic").intValue() != 5) {
						this.loggedIn.countDown();
					}
					else {
						received(message);
					}
				}
				catch (RuntimeException ex) {
					FaultLoad.this.violations.add(this.user + " could not handle " + text + ": " + ex);
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			lost(webSocket);
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			lost(webSocket);
			return null;
		}

		void close() {
			this.closed = true;
			WebSocket socket = this.socket;
			if (socket != null) {
				socket.abort();
			}
		}

	}

	/**
	 * Writes each of its records in turn with write acknowledgement: version 1, then each next version once the
	 * previous one was acknowledged. A write answered with an error is sent again at the same version; VERSION_EXISTS
	 * (an earlier attempt was applied after all) goes on from the version it names.
	 */
	final class Writer extends Connection {

		final List<String> records;

		/** The version each record's write in flight creates. */
		final Map<String, Long> inFlight = new ConcurrentHashMap<>();

		private final Map<String, String> inFlightData = new ConcurrentHashMap<>();

		private final Map<String, Long> sentAt = new ConcurrentHashMap<>();

		/** Records whose next write waits for {@link FaultLoad#resume()}. */
		private final Map<String, Long> waiting = new ConcurrentHashMap<>();

		Writer(String url, String user, List<String> records) {
			super(url, user);
			this.records = records;
			for (String record : records) {
				this.waiting.put(record, 1L);
			}
			FaultLoad.this.scheduler.scheduleWithFixedDelay(this::sendUnanswered, 1, 1, TimeUnit.SECONDS);
		}

		@Override
		void connected() {
			this.inFlight.forEach(this::send);
			resume();
		}

		void resume() {
			if (FaultLoad.this.paused) {
				return;
			}
			for (String record : List.copyOf(this.waiting.keySet())) {
				Long version = this.waiting.remove(record);
				if (version != null) {
					write(record, version);
				}
			}
		}

		private void write(String record, long version) {
			if (FaultLoad.this.paused) {
				this.waiting.put(record, version);
				return;
			}
			this.inFlightData.put(record, "{\"by\":\"" + this.user + "\",\"v\":" + version + "}");
			this.inFlight.put(record, version);
			send(record, version);
		}

		private void send(String record, long version) {
			this.sentAt.put(record, System.nanoTime());
			send("{\"topic\":5,\"action\":" + RecordAction.CREATEANDUPDATE + ",\"name\":\"" + record + "\",\"version\":"
					+ version + ",\"data\":" + json.writeValueAsString(this.inFlightData.get(record))
					+ ",\"isWriteAck\":true,\"correlationId\":\"" + version + "\",\"isAck\":false}");
		}

		private void sendUnanswered() {
			if (!isConnected()) {
				return; // sent again once connected
			}
			long now = System.nanoTime();
			this.inFlight.forEach((record, version) -> {
				Long sent = this.sentAt.get(record);
				if (sent != null && now - sent > UNANSWERED.toNanos()) {
					FaultLoad.this.unanswered.incrementAndGet();
					logger.warn("{}'s write of {} version {} was not answered in {}; sending it again", this.user,
							record, version, UNANSWERED);
					send(record, version);
				}
			});
		}

		@Override
		void received(JsonNode message) {
			int action = message.path("action").intValue();
			String record = message.path("name").asString();
			Long version = this.inFlight.get(record);
			String correlationId = message.path("correlationId").asString("");
			if (version == null || (!correlationId.isEmpty() && !correlationId.equals(version.toString()))) {
				return; // the answer to a write sent twice, the other answer already taken
			}
			if (action == RecordAction.WRITE_ACKNOWLEDGEMENT) {
				acknowledged(record, version);
			}
			else if (action == RecordAction.VERSION_EXISTS || action == RecordAction.INVALID_VERSION) {
				long current = message.path("version").longValue();
				long known = FaultLoad.this.acknowledged.getOrDefault(record, 0L);
				if (current < known || current < version - 1) {
					FaultLoad.this.violations.add(record + " is at version " + current + " for " + this.user
							+ ", who had version " + Math.max(known, version - 1) + " acknowledged");
				}
				// Written by an attempt that was answered with an error (or not at all): go on from there.
				if (current == version) {
					FaultLoad.this.latest.put(record, version);
					FaultLoad.this.latestData.put(record, this.inFlightData.get(record));
				}
				this.inFlight.remove(record);
				write(record, Math.max(current, version) + 1);
			}
			else if (action != RecordAction.UPDATE && action != RecordAction.PATCH) {
				FaultLoad.this.failures.incrementAndGet();
				error(RecordAction.class.getSimpleName() + " " + action + ": " + message.path("data").asString());
				FaultLoad.this.scheduler.schedule(() -> {
					if (version.equals(this.inFlight.get(record))) {
						send(record, version);
					}
				}, RETRY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
			}
		}

		private void acknowledged(String record, long version) {
			Long before = FaultLoad.this.acknowledged.put(record, version);
			if (before != null && before >= version) {
				FaultLoad.this.violations.add(record + " version " + version + " acknowledged after version " + before);
			}
			FaultLoad.this.latest.put(record, version);
			FaultLoad.this.latestData.put(record, this.inFlightData.get(record));
			FaultLoad.this.acks.incrementAndGet();
			this.inFlight.remove(record);
			if (FaultLoad.this.pace.isZero()) {
				write(record, version + 1);
			}
			else {
				FaultLoad.this.scheduler.schedule(() -> write(record, version + 1), FaultLoad.this.pace.toMillis(),
						TimeUnit.MILLISECONDS);
			}
		}

	}

	/** Subscribed to its records; a version it is told of must never be older than one it was told of before. */
	final class Subscriber extends Connection {

		final List<String> records;

		final Map<String, Long> seen = new ConcurrentHashMap<>();

		private final Map<String, String> seenData = new ConcurrentHashMap<>();

		/** The last few versions each record was told of, with when and how, for the text of a violation. */
		private final Map<String, Deque<String>> told = new ConcurrentHashMap<>();

		Subscriber(String url, String user, List<String> records) {
			super(url, user);
			this.records = records;
		}

		@Override
		void connected() {
			send("{\"topic\":5,\"action\":" + RecordAction.SUBSCRIBECREATEANDREAD + ",\"names\":"
					+ json.writeValueAsString(this.records) + ",\"correlationId\":\"s\",\"isAck\":false}");
		}

		@Override
		void received(JsonNode message) {
			int action = message.path("action").intValue();
			if (action != RecordAction.READ_RESPONSE && action != RecordAction.UPDATE) {
				return;
			}
			String record = message.path("name").asString();
			long version = message.path("version").longValue();
			String data = message.path("data").asString();
			long before = this.seen.getOrDefault(record, 0L);
			String kind = (action == RecordAction.UPDATE) ? "UPDATE" : "READ_RESPONSE";
			String how = java.time.LocalTime.now() + " " + kind + " v" + version;
			Deque<String> history = this.told.computeIfAbsent(record, (name) -> new ArrayDeque<>());
			synchronized (history) {
				if (history.size() == 4) {
					history.removeFirst();
				}
				history.addLast(how);
			}
			if (version < before) {
				String recent;
				synchronized (history) {
					recent = String.join(", ", history);
				}
				FaultLoad.this.violations.add(java.time.LocalTime.now() + " " + this.user + " was told of " + record
						+ " version " + version + " (" + kind + ") after version " + before + "; last told: " + recent);
				return;
			}
			if (version == before && before > 0 && !json.readTree(data).equals(json.readTree(this.seenData.get(record)))) {
				FaultLoad.this.violations.add(this.user + " was told of " + record + " version " + version
						+ " with two values: " + this.seenData.get(record) + " and " + data);
			}
			this.seen.put(record, version);
			this.seenData.put(record, data);
		}

	}

}
