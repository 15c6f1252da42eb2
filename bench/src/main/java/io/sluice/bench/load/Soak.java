package io.sluice.bench.load;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import io.sluice.bench.wire.Frame;
import io.sluice.bench.wire.Frames;

/**
 * The soak: every kind of load at once, at modest rates, for {@code --duration} seconds, with the server's heap
 * after a full GC, RSS, threads and open files sampled every 10 s. The load:
 * <ul>
 * <li>events: one publisher emitting {@value #EVENTS_PER_SECOND}/s to {@value #EVENT_SUBSCRIBERS} subscribers;</li>
 * <li>records: one writer updating {@value #RECORDS_PER_SECOND}/s over {@value #RECORD_NAMES} records, watched by
 * two subscribers; every {@value #GENERATION_SECONDS} s a new writer and new subscribers move to
 * {@value #RECORD_NAMES} new names and the old connections close, so records keep being created and left;</li>
 * <li>RPC: a provider answering {@value #RPC_PER_SECOND} calls/s from a caller;</li>
 * <li>connects: a new client every {@value #CONNECT_EVERY_MILLIS} ms connects, logs in, subscribes to the event,
 * stays {@value #CONNECTED_MILLIS} ms and disconnects;</li>
 * <li>slow consumers: {@value #SLOW_CONSUMERS} clients subscribe to a bulk event ({@value #BULK_BYTES}-byte
 * messages, {@value #BULK_PER_SECOND}/s) and then stop reading, or read 1 KiB every
 * {@value #SLOW_READ_MILLIS} ms; the server must cut them under its outbound policy ({@code outbound-budget},
 * {@code stall-timeout}, {@code outbound-limit}). Each cut is counted, not an error, and the client comes back.</li>
 * </ul>
 * Errors: error frames, connections the server closed that it should have kept, failed connects or log-ins, and
 * requests unanswered after {@value #TIMEOUT_SECONDS} s (subscriptions, record reads, RPC calls). Writes
 * {@code soak.csv}, {@code summary.md} and two class histograms (after the warm-up and at the end) to {@code --out}.
 */
final class Soak {

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

	static final int SAMPLE_SECONDS = 10;

	private static final int TICK_MILLIS = 50;

	private static final int TICKS_PER_SECOND = 1000 / TICK_MILLIS;

	private final Options options;

	private final String id = UUID.randomUUID().toString();

	private final String event = "soak/event/" + this.id;

	private final String bulk = "soak/bulk/" + this.id;

	private final String rpc = "soak/rpc/" + this.id;

	private final byte[] padding;

	private final byte[] bulkData;

	private final LongAdder eventsDelivered = new LongAdder();

	private final LongAdder recordWrites = new LongAdder();

	private final LongAdder recordUpdates = new LongAdder();

	private final LongAdder rpcAnswered = new LongAdder();

	private final LongAdder connectCycles = new LongAdder();

	private final LongAdder slowCuts = new LongAdder();

	private final LongAdder errors = new LongAdder();

	private final List<String> firstErrors = new ArrayList<>();

	/** Errors by kind, with the first of each. */
	private final Map<String, ErrorKind> errorKinds = new ConcurrentHashMap<>();

	private final CountDownLatch provided = new CountDownLatch(1);

	/** Connections this side closes on purpose: their closing is no error. */
	private final Set<ClientConnection> closing = ConcurrentHashMap.newKeySet();

	/** Connections open now, to close at the end. */
	private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();

	private final Map<String, Long> rpcPending = new ConcurrentHashMap<>();

	private final AtomicLong correlation = new AtomicLong();

	private final AtomicInteger connecting = new AtomicInteger();

	private final long startNanos = System.nanoTime();

	private volatile boolean running = true;

	private volatile Generation generation;

	private int generationNumber;

	private ClientConnection publisher;

	private ClientConnection caller;

	private long tick;

	private Soak(Options options) {
		this.options = options;
		this.padding = options.padding().getBytes(StandardCharsets.US_ASCII);
		this.bulkData = Frames.timestamped(0, "b".repeat(BULK_BYTES));
	}

	/** Runs the soak; true if the server stayed bounded without errors. */
	static boolean run(Options options) throws Exception {
		return new Soak(options).run();
	}

	private boolean run() throws Exception {
		Path out = Path.of(this.options.out());
		Files.createDirectories(out);
		long durationSeconds = this.options.duration().toSeconds();
		List<SoakReport.Sample> samples = new ArrayList<>();
		String warmHistogram = null;
		String endHistogram;
		ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "soak-driver");
			thread.setDaemon(true);
			return thread;
		});
		try (ServerProbe probe = new ServerProbe(this.options.serverPid());
				LoadClient client = new LoadClient(this.options.url(), this.options.threads(),
						this.options.sourceAddresses());
				LoadClient slowClient = new LoadClient(this.options.url(), 1, this.options.sourceAddresses(), 1024);
				PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("soak.csv")))) {
			startSteadyLoad(client);
			driver.scheduleAtFixedRate(guard(this::tick), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
			driver.scheduleAtFixedRate(guard(() -> connectCycle(client)), CONNECT_EVERY_MILLIS, CONNECT_EVERY_MILLIS,
					TimeUnit.MILLISECONDS);
			for (int i = 0; i < SLOW_CONSUMERS; i++) {
				slowConsumer(slowClient, driver, i % 2 == 1);
			}
			csv.println(SoakReport.Sample.CSV_HEADER);
			long lastTicks = probe.cpuTicks();
			long[] last = counters();
			long lastNanos = System.nanoTime();
			long warmUpEnd = durationSeconds / 3;
			for (long next = SAMPLE_SECONDS; next <= durationSeconds; next += SAMPLE_SECONDS) {
				Measurement.sleep(java.time.Duration.ofNanos(
						Math.max(0, this.startNanos + next * 1_000_000_000L - System.nanoTime())));
				long heapBefore = probe.heapUsed();
				long heapAfter = probe.heapUsedAfterFullGc();
				long nowNanos = System.nanoTime();
				long ticks = probe.cpuTicks();
				long[] now = counters();
				double seconds = (nowNanos - lastNanos) / 1e9;
				sweepRpc(nowNanos);
				SoakReport.Sample sample = new SoakReport.Sample(elapsedSeconds(), mib(heapAfter), mib(heapBefore),
						mib(probe.nonHeapUsed()), probe.rssKib() / 1024.0, probe.threadCount(), probe.openFiles(),
						(ticks - lastTicks) / 100.0 / seconds, (now[0] - last[0]) / seconds,
						(now[1] - last[1]) / seconds, (now[2] - last[2]) / seconds, (now[3] - last[3]) / seconds,
						now[4], now[5], now[6], loadAverage());
				samples.add(sample);
				csv.println(sample.csv());
				csv.flush();
				System.out.printf(Locale.ROOT,
						"[%s] %5.0f s heap-after-gc %6.1f MiB rss %6.1f MiB threads %d fds %d cpu %.2f | events %.0f/s "
								+ "writes %.0f/s updates %.0f/s rpc %.0f/s connects %d slow-cuts %d errors %d | load %s%n",
						Instant.now().toString().substring(11, 19), sample.seconds(), sample.heapAfterGcMib(),
						sample.rssMib(), sample.threads(), sample.openFiles(), sample.cpuCores(),
						sample.eventsPerSecond(), sample.recordWritesPerSecond(), sample.recordUpdatesPerSecond(),
						sample.rpcCallsPerSecond(), sample.connectCycles(), sample.slowConsumerCuts(), sample.errors(),
						sample.loadAverage());
				lastTicks = ticks;
				last = now;
				lastNanos = nowNanos;
				if (warmHistogram == null && next >= warmUpEnd) {
					warmHistogram = probe.classHistogram();
					Files.writeString(out.resolve("histogram-after-warm-up.txt"), warmHistogram);
				}
			}
			this.running = false;
			driver.shutdownNow();
			endHistogram = probe.classHistogram();
			Files.writeString(out.resolve("histogram-end.txt"), endHistogram);
			this.closing.addAll(this.open);
			this.open.forEach(ClientConnection::close);
		}
		return summarise(out, samples, warmHistogram, endHistogram);
	}

	private boolean summarise(Path out, List<SoakReport.Sample> samples, String warmHistogram, String endHistogram)
			throws Exception {
		if (samples.size() < 3) {
			throw new IllegalStateException("Too few samples for a trend: run for at least " + 3 * SAMPLE_SECONDS + " s");
		}
		List<SoakReport.Sample> window = SoakReport.window(samples);
		List<SoakReport.Trend> trends = List.of(
				SoakReport.trend("heap after full GC (MiB)", window, SoakReport.Sample::heapAfterGcMib, 4),
				SoakReport.trend("RSS (MiB)", window, SoakReport.Sample::rssMib, 16),
				SoakReport.trend("non-heap (MiB)", window, SoakReport.Sample::nonHeapMib, 4));
		SoakReport.Sample lastSample = samples.get(samples.size() - 1);
		boolean bounded = trends.stream().allMatch(SoakReport.Trend::bounded);
		long errorCount = this.errors.sum();
		StringBuilder summary = new StringBuilder();
		summary.append(String.format(Locale.ROOT, "# Soak: %s, %.0f s, %d samples (trend over the last %d, from %.0f s)%n%n",
				this.options.target(), lastSample.seconds(), samples.size(), window.size(), window.get(0).seconds()));
		summary.append(String.format(Locale.ROOT, "Verdict: **%s**, **%d errors**.%n%n",
				bounded ? "bounded" : "NOT bounded", errorCount));
		summary.append("| series | min | max | mean | trend | growth over the window | allowed | |\n");
		summary.append("|---|---|---|---|---|---|---|---|\n");
		trends.forEach((trend) -> summary.append(trend.row()).append('\n'));
		summary.append(String.format(Locale.ROOT,
				"%nThreads %d..%d, open files %d..%d after the warm-up.%n%n",
				window.stream().mapToInt(SoakReport.Sample::threads).min().orElse(0),
				window.stream().mapToInt(SoakReport.Sample::threads).max().orElse(0),
				window.stream().mapToLong(SoakReport.Sample::openFiles).min().orElse(0),
				window.stream().mapToLong(SoakReport.Sample::openFiles).max().orElse(0)));
		summary.append(String.format(Locale.ROOT,
				"Load, mean per second over the run: events delivered %.0f, record writes %.0f, record updates "
						+ "delivered %.0f, RPC calls %.0f; server CPU %.2f cores. Connect cycles %d, slow consumers "
						+ "cut %d (expected), record generations %d.%n%n",
				mean(samples, SoakReport.Sample::eventsPerSecond), mean(samples, SoakReport.Sample::recordWritesPerSecond),
				mean(samples, SoakReport.Sample::recordUpdatesPerSecond),
				mean(samples, SoakReport.Sample::rpcCallsPerSecond), mean(samples, SoakReport.Sample::cpuCores),
				this.connectCycles.sum(), this.slowCuts.sum(), this.generationNumber));
		if (errorCount > 0) {
			summary.append("Errors by kind (count, then the first):\n\n");
			this.errorKinds.forEach((kind, error) -> summary.append("- ")
				.append(error.count.sum())
				.append(" × ")
				.append(error.first)
				.append('\n'));
			summary.append("\nThe first errors:\n\n");
			synchronized (this.firstErrors) {
				this.firstErrors.forEach((error) -> summary.append("- ").append(error).append('\n'));
			}
			summary.append('\n');
		}
		if (warmHistogram != null) {
			summary.append("Live classes that grew most between the end of the warm-up and the end "
					+ "(`GC.class_histogram`):\n\n| class | instances | bytes | bytes at the end |\n|---|---|---|---|\n");
			SoakReport.histogramGrowth(warmHistogram, endHistogram, 10).forEach((row) -> summary.append(row).append('\n'));
		}
		Files.writeString(out.resolve("summary.md"), summary);
		System.out.println();
		System.out.print(summary);
		return bounded && errorCount == 0;
	}

	// --- The steady load --------------------------------------------------------------------------------------------

	private void startSteadyLoad(LoadClient client) throws Exception {
		List<ClientConnection> subscribers = client.connectAll(EVENT_SUBSCRIBERS, 20, this::onSubscriberFrame);
		for (int i = 0; i < subscribers.size(); i++) {
			watch(subscribers.get(i), "event subscriber");
			subscribers.get(i).send(Frames.eventSubscribe(this.event, "s" + i));
		}
		this.publisher = watch(client.connect(this::onOtherFrame).get(30, TimeUnit.SECONDS), "event publisher");
		ClientConnection provider = watch(client.connect(this::onProviderFrame).get(30, TimeUnit.SECONDS),
				"rpc provider");
		provider.send(Frames.rpcProvide(this.rpc, "provide"));
		this.caller = watch(client.connect(this::onCallerFrame).get(30, TimeUnit.SECONDS), "rpc caller");
		if (!this.provided.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The RPC provider's PROVIDE was not acknowledged in 30 s");
		}
		// Let the event subscriptions register before the first emits.
		Thread.sleep(1000);
		newGeneration(client);
	}

	private void tick() {
		long now = System.nanoTime();
		this.tick++;
		int events = share(EVENTS_PER_SECOND);
		if (events > 0 || this.tick % (TICKS_PER_SECOND / BULK_PER_SECOND) == 0) {
			List<byte[]> frames = new ArrayList<>(events + 1);
			for (int i = 0; i < events; i++) {
				frames.add(Frames.eventEmit(this.event, Frames.timestamped(now, this.options.padding())));
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
			requests.add(Frames.rpcRequest(this.rpc, id, Frames.timestamped(now, this.options.padding())));
		}
		sendAll(this.caller, requests);
		Generation generation = this.generation;
		if (generation != null && generation.writer != null) {
			generation.write(share(RECORDS_PER_SECOND));
		}
		if (this.tick % (GENERATION_SECONDS * TICKS_PER_SECOND) == 0) {
			newGeneration(generation.client);
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

	private static void sendAll(ClientConnection connection, List<byte[]> frames) {
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
		if (frame.isError() || frame.action() >= 100 || frame.action() == 1) {
			error("error frame, topic " + frame.topic() + " action " + frame.action(), frame.toString());
		}
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
	private void sweepRpc(long now) {
		long limit = now - TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
		this.rpcPending.entrySet().removeIf((entry) -> {
			if (entry.getValue() < limit) {
				error("RPC call unanswered after " + TIMEOUT_SECONDS + " s", "correlation id " + entry.getKey());
				return true;
			}
			return false;
		});
	}

	// --- Records: a writer and two subscribers per generation of names -----------------------------------------------

	private void newGeneration(LoadClient client) {
		Generation previous = this.generation;
		Generation next = new Generation(client, ++this.generationNumber);
		this.generation = next;
		next.start();
		if (previous != null) {
			previous.retire();
		}
	}

	private final class Generation {

		private final LoadClient client;

		private final String[] names = new String[RECORD_NAMES];

		private final AtomicLongArray versions = new AtomicLongArray(RECORD_NAMES);

		private final List<ClientConnection> connections = new ArrayList<>();

		private final AtomicInteger subscribed = new AtomicInteger();

		private volatile ClientConnection writer;

		private int nextName;

		Generation(LoadClient client, int number) {
			this.client = client;
			for (int i = 0; i < RECORD_NAMES; i++) {
				this.names[i] = "soak/record/" + Soak.this.id + "/" + number + "/" + i;
				this.versions.set(i, -1);
			}
		}

		void start() {
			for (int i = 0; i < 2; i++) {
				connect("record subscriber", this::onSubscriberFrame, (connection) -> {
					for (String name : this.names) {
						connection.send(Frames.recordSubscribeCreateAndRead(name, "s"));
					}
				});
			}
			connect("record writer", this::onWriterFrame, (connection) -> {
				for (String name : this.names) {
					connection.send(Frames.recordSubscribeCreateAndRead(name, "w"));
				}
				this.writer = connection;
			});
			schedule(() -> {
				int unread = 0;
				for (int i = 0; i < RECORD_NAMES; i++) {
					unread += (this.versions.get(i) < 0) ? 1 : 0;
				}
				if (unread > 0) {
					error("record reads of the writer unanswered after " + TIMEOUT_SECONDS + " s",
							unread + " of generation " + this.names[0]);
				}
				if (this.subscribed.get() < 2 * RECORD_NAMES) {
					error("record reads of subscribers unanswered after " + TIMEOUT_SECONDS + " s",
							(2 * RECORD_NAMES - this.subscribed.get()) + " of generation " + this.names[0]);
				}
			}, TIMEOUT_SECONDS * 1000L);
		}

		private void connect(String role, ClientConnection.Listener listener,
				java.util.function.Consumer<ClientConnection> then) {
			this.client.connect(listener).orTimeout(30, TimeUnit.SECONDS).whenComplete((connection, failure) -> {
				if (failure != null) {
					error(role + " could not connect", failure.toString());
					return;
				}
				synchronized (this.connections) {
					this.connections.add(connection);
				}
				watch(connection, role);
				then.accept(connection);
			});
		}

		/** Writes {@code count} updates, round robin over the names whose read has been answered; the driver's. */
		void write(int count) {
			List<byte[]> frames = new ArrayList<>(count);
			long now = System.nanoTime();
			for (int i = 0; i < count; i++) {
				int index = this.nextName++ % RECORD_NAMES;
				long version = this.versions.get(index);
				if (version < 0) {
					continue;
				}
				this.versions.set(index, version + 1);
				frames.add(Frames.recordUpdate(this.names[index], version + 1,
						Frames.timestamped(now, Soak.this.options.padding())));
			}
			Soak.this.recordWrites.add(frames.size());
			sendAll(this.writer, frames);
		}

		private void onWriterFrame(ClientConnection connection, Frame frame) {
			if (frame.topic() == Frames.TOPIC_RECORD && frame.action() == Frames.RECORD_READ_RESPONSE) {
				String name = frame.name();
				int index = Integer.parseInt(name.substring(name.lastIndexOf('/') + 1));
				this.versions.compareAndSet(index, -1, Math.max(0, frame.version()));
			}
			else if (!frame.isAck()) {
				onOtherFrame(connection, frame);
			}
		}

		private void onSubscriberFrame(ClientConnection connection, Frame frame) {
			if (frame.topic() == Frames.TOPIC_RECORD && frame.action() == Frames.RECORD_UPDATE) {
				Soak.this.recordUpdates.increment();
			}
			else if (frame.topic() == Frames.TOPIC_RECORD && frame.action() == Frames.RECORD_READ_RESPONSE) {
				this.subscribed.incrementAndGet();
			}
			else if (!frame.isAck()) {
				onOtherFrame(connection, frame);
			}
		}

		/** Closes this generation's connections once the next generation's have had time to take over. */
		void retire() {
			schedule(() -> {
				synchronized (this.connections) {
					this.connections.forEach(Soak.this::closeOnPurpose);
				}
			}, 2000);
		}

	}

	// --- Connects, disconnects and slow consumers --------------------------------------------------------------------

	private void connectCycle(LoadClient client) {
		if (this.connecting.get() > 50) {
			return;
		}
		this.connecting.incrementAndGet();
		AtomicInteger acknowledged = new AtomicInteger();
		client.connect((connection, frame) -> {
			if (frame.topic() == Frames.TOPIC_EVENT && frame.action() == Frames.EVENT_SUBSCRIBE && frame.isAck()) {
				acknowledged.incrementAndGet();
				schedule(() -> closeOnPurpose(connection), CONNECTED_MILLIS);
			}
			else {
				onSubscriberFrame(connection, frame);
			}
		}).orTimeout(30, TimeUnit.SECONDS).whenComplete((connection, failure) -> {
			if (failure != null) {
				this.connecting.decrementAndGet();
				error("connect and log-in failed", failure.toString());
				return;
			}
			watch(connection, "connecting client");
			connection.channel().closeFuture().addListener((done) -> {
				this.connecting.decrementAndGet();
				this.connectCycles.increment();
			});
			connection.send(Frames.eventSubscribe(this.event, "c"));
			schedule(() -> {
				if (acknowledged.get() == 0 && connection.channel().isActive()) {
					error("event subscription unacknowledged after " + TIMEOUT_SECONDS + " s", connection.channel().toString());
					closeOnPurpose(connection);
				}
			}, TIMEOUT_SECONDS * 1000L);
		});
	}

	/**
	 * One slow consumer: subscribes to the bulk event, then stops reading (or reads 1 KiB per
	 * {@value #SLOW_READ_MILLIS} ms) until the server cuts it, then comes back a second later.
	 */
	private void slowConsumer(LoadClient client, ScheduledExecutorService driver, boolean readsSlowly) {
		if (!this.running) {
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
						.scheduleAtFixedRate(() -> connection.channel().read(), SLOW_READ_MILLIS, SLOW_READ_MILLIS,
								TimeUnit.MILLISECONDS);
					connection.channel().closeFuture().addListener((done) -> reads.cancel(false));
				}
			}
			else if (frame.isError() || frame.action() >= 100) {
				error("slow consumer: error frame", frame.toString());
			}
		}).orTimeout(30, TimeUnit.SECONDS).whenComplete((connection, failure) -> {
			if (failure != null) {
				error("slow consumer could not connect", failure.toString());
				schedule(() -> slowConsumer(client, driver, readsSlowly), 1000);
				return;
			}
			this.open.add(connection);
			connection.channel().closeFuture().addListener((done) -> {
				this.open.remove(connection);
				if (!this.running) {
					return;
				}
				if (acknowledged.get() == 0) {
					error("slow consumer closed before its subscription was acknowledged",
							"close code " + connection.closeCode());
				}
				else if (connection.closeCode() != -1 && connection.closeCode() != 1008) {
					// A client that stopped reading may never read the close frame (-1); one that read it must see
					// the outbound policy's code.
					error("slow consumer closed with a code other than 1008", "close code " + connection.closeCode());
				}
				else {
					this.slowCuts.increment();
				}
				schedule(() -> slowConsumer(client, driver, readsSlowly), 1000);
			});
			connection.send(Frames.eventSubscribe(this.bulk, "slow"));
		});
	}

	// --- Bookkeeping ------------------------------------------------------------------------------------------------

	/** Counts the connection's closing as an error unless this side closed it on purpose. */
	private ClientConnection watch(ClientConnection connection, String role) {
		this.open.add(connection);
		connection.channel().closeFuture().addListener((done) -> {
			this.open.remove(connection);
			if (!this.closing.remove(connection) && this.running) {
				error(role + " closed by the server", "close code " + connection.closeCode());
			}
		});
		return connection;
	}

	private void closeOnPurpose(ClientConnection connection) {
		this.closing.add(connection);
		connection.close();
	}

	private void schedule(Runnable task, long millis) {
		if (this.running) {
			this.publisher.channel().eventLoop().schedule(guard(task), millis, TimeUnit.MILLISECONDS);
		}
	}

	/** An error of one kind (for the summary's count by kind), with what tells this one apart. */
	private void error(String kind, String detail) {
		this.errors.increment();
		String line = String.format(Locale.ROOT, "%.0f s: %s: %s", elapsedSeconds(), kind, detail);
		this.errorKinds.computeIfAbsent(kind, (key) -> new ErrorKind(line)).count.increment();
		synchronized (this.firstErrors) {
			if (this.firstErrors.size() < 20) {
				this.firstErrors.add(line);
				System.err.println("ERROR " + line);
			}
		}
	}

	/** A task whose failure is counted and reported rather than ending its schedule silently. */
	private Runnable guard(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				error("load task failed", ex.toString());
			}
		};
	}

	private static final class ErrorKind {

		final String first;

		final LongAdder count = new LongAdder();

		ErrorKind(String first) {
			this.first = first;
		}

	}

	private long[] counters() {
		return new long[] { this.eventsDelivered.sum(), this.recordWrites.sum(), this.recordUpdates.sum(),
				this.rpcAnswered.sum(), this.connectCycles.sum(), this.slowCuts.sum(), this.errors.sum() };
	}

	private double elapsedSeconds() {
		return (System.nanoTime() - this.startNanos) / 1e9;
	}

	private static double mib(long bytes) {
		return bytes / (1024.0 * 1024.0);
	}

	private static double mean(List<SoakReport.Sample> samples,
			java.util.function.ToDoubleFunction<SoakReport.Sample> value) {
		return samples.stream().mapToDouble(value).average().orElse(0);
	}

	private static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (Exception ex) {
			return "?";
		}
	}

}
