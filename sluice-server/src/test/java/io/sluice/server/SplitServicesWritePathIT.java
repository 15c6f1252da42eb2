package io.sluice.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import redis.embedded.RedisServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.app.GatewayApplication;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.record.RecordService;
import io.sluice.record.api.RecordApiServer;
import io.sluice.record.app.RecordServiceApplication;
import io.sluice.record.remote.RemoteRecordService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sluice split into its services, each its own Spring application: a gateway calling two record-service instances
 * over the internal records API (records routed by rendezvous hashing), and a storage worker; a real Kafka broker
 * (KRaft, in this JVM) as the storage queue, a real PostgreSQL as the store, a real redis-server as the shared
 * cache and the message bus. WebSocket clients on the gateway's JSON endpoint write with write acknowledgement;
 * in the middle of the run the store is unreachable for a while, and later one record-service instance stops.
 * Afterwards every record in the store is at its last acknowledged version, and the worker's audit shows every
 * version applied once, in order, none missing.
 */
class SplitServicesWritePathIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private static final int RECORDS = 500;

	private static final int WRITES = 10_000;

	private static final int CLIENTS = 8;

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(SplitServicesWritePathIT.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static RedisServer redis;

	private static int redisPort;

	private static EmbeddedKafkaKraftBroker kafka;

	private static EmbeddedPostgres postgres;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final AuditedStore audit = new AuditedStore();

	/** The last acknowledged version of each record, and the data that write carried. */
	private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

	private final Map<String, String> acknowledgedData = new ConcurrentHashMap<>();

	private final AtomicInteger acks = new AtomicInteger();

	private final AtomicInteger acksWhileStoreDown = new AtomicInteger();

	private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

	@BeforeAll
	static void startServices() throws Exception {
		redisPort = ServerProcess.freePort();
		redis = EmbeddedRedis.start(redisPort);
		kafka = new EmbeddedKafkaKraftBroker(1, 1);
		kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
		kafka.afterPropertiesSet();
		postgres = EmbeddedPostgres.builder().start();
	}

	@AfterAll
	static void stopServices() throws Exception {
		if (postgres != null) {
			postgres.close();
		}
		if (kafka != null) {
			kafka.destroy();
		}
		if (redis != null) {
			redis.stop();
		}
	}

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void acknowledgedWritesThroughTheSplitServicesSurviveAStoreOutageAndALostInstance() throws Exception {
		// One at a time: Spring Boot sets up logging through system properties, shared by the whole JVM.
		ConfigurableApplicationContext a = recordService("records-a");
		ConfigurableApplicationContext b = recordService("records-b");
		ConfigurableApplicationContext worker = worker();
		String addressA = "127.0.0.1:" + a.getBean(RecordApiServer.class).port();
		String addressB = "127.0.0.1:" + b.getBean(RecordApiServer.class).port();
		ConfigurableApplicationContext gateway = gateway(addressA + "," + addressB);
		RemoteRecordService routing = (RemoteRecordService) gateway.getBean(RecordService.class);
		List<String> names = new ArrayList<>();
		for (int i = 0; i < RECORDS; i++) {
			names.add("split/" + this.run + "/r" + i);
		}
		long ownedByB = names.stream().filter((name) -> addressB.equals(routing.ownerOf(name))).count();
		assertThat(ownedByB).as("records routed to instance B").isBetween(RECORDS / 4L, RECORDS * 3L / 4);

		// The store is unreachable from the 3,000th acknowledgement to the 5,000th; B stops at the 6,500th.
		AtomicBoolean stoppedB = new AtomicBoolean();
		CountDownLatch bStopped = new CountDownLatch(1);
		String url = "ws://127.0.0.1:" + gateway.getEnvironment().getRequiredProperty("local.server.port")
				+ "/deepstream-json";
		ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
		this.resources.add(retries::shutdownNow);
		List<Writer> writers = new ArrayList<>();
		for (int k = 0; k < CLIENTS; k++) {
			List<String> own = new ArrayList<>();
			for (int i = k; i < RECORDS; i += CLIENTS) {
				own.add(names.get(i));
			}
			Writer writer = new Writer(url, "writer-" + k, own, WRITES / CLIENTS, retries, (count) -> {
				if (count == 3_000) {
					this.audit.down.set(true);
				}
				if (count == 5_000) {
					this.audit.down.set(false);
				}
				if (count == 6_500 && stoppedB.compareAndSet(false, true)) {
					// Closing a context blocks; not on the socket's thread.
					new Thread(() -> {
						b.close();
						bStopped.countDown();
					}, "stop-records-b").start();
				}
			});
			this.resources.add(writer);
			writers.add(writer);
		}
		writers.forEach(Writer::start);
		for (Writer writer : writers) {
			if (!writer.done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				dumpThreads();
			}
			assertThat(writer.done.await(1, TimeUnit.MILLISECONDS))
				.as("%s finished (%d acknowledged in all; errors %s; waiting for %s)", writer.user, this.acks.get(),
						this.errors.subList(Math.max(0, this.errors.size() - 5), this.errors.size()), writer.inFlight)
				.isTrue();
		}
		for (Writer writer : writers) {
			assertThat(writer.done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
				.as("%s finished (%d acknowledged in all; errors %s; waiting for %s)", writer.user, this.acks.get(),
						this.errors.subList(Math.max(0, this.errors.size() - 5), this.errors.size()), writer.inFlight)
				.isTrue();
		}
		assertThat(bStopped.await(30, TimeUnit.SECONDS)).as("instance B stopped").isTrue();

		assertThat(this.acks.get()).isEqualTo(WRITES);
		assertThat(this.audit.refused.get()).as("store writes refused while it was down").isPositive();
		assertThat(this.acksWhileStoreDown.get()).as("writes acknowledged while the store was down").isPositive();
		// Every record now lives on A, B's having moved to their next choice.
		assertThat(names).allSatisfy((name) -> assertThat(routing.ownerOf(name)).isEqualTo(addressA));
		// A write that reached B as it stopped may be answered with an error; the client then wrote it again.
		assertThat(this.errors).allSatisfy((error) -> assertThat(error).contains("cannot be"));

		logger.info("{} writes acknowledged, {} of them while the store was down ({} store writes refused); {} of {} "
				+ "records moved from B to A; {} writes answered with an error and written again", this.acks.get(),
				this.acksWhileStoreDown.get(), this.audit.refused.get(), ownedByB, RECORDS, this.errors.size());
		StorageQueue queue = worker.getBean(StorageQueue.class);
		Flux.fromIterable(names).flatMap(queue::drained, 32).then().block(TIMEOUT);
		assertThat(this.acknowledged).as("records acknowledged").containsOnlyKeys(names);
		Map<String, VersionedRecord> stored = Flux.fromIterable(names)
			.concatMap(this.audit::find)
			.collectMap(VersionedRecord::name)
			.block(TIMEOUT);
		assertThat(StoredRecords.notAtVersion(this.acknowledged, stored))
			.as("records not at their last acknowledged version (stored/acknowledged)")
			.isEmpty();
		assertThat(StoredRecords.withOtherData(this.acknowledgedData, stored))
			.as("records without the data of their last acknowledged write (stored / acknowledged)")
			.isEmpty();
		for (String name : names) {
			Long version = this.acknowledged.get(name);
			List<Long> applied = this.audit.applied.get(name);
			// Applied once each, in order, and none missing: exactly 1, 2, ..., the last acknowledged.
			assertThat(applied).as("%s applied", name).isSorted().doesNotHaveDuplicates().hasSize(version.intValue())
				.endsWith(version);
		}
	}

	/** What every thread was doing when the run stalled: target/split-services-threads.txt. */
	private static void dumpThreads() throws java.io.IOException {
		StringBuilder dump = new StringBuilder();
		for (java.lang.management.ThreadInfo info : java.lang.management.ManagementFactory.getThreadMXBean()
			.dumpAllThreads(true, true)) {
			dump.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState()).append('\n');
			for (StackTraceElement frame : info.getStackTrace()) {
				dump.append("    at ").append(frame).append('\n');
			}
			dump.append('\n');
		}
		java.nio.file.Path file = java.nio.file.Path.of("target", "split-services-threads.txt");
		java.nio.file.Files.writeString(file, dump);
	}

	private ConfigurableApplicationContext recordService(String node) {
		ConfigurableApplicationContext context = RecordServiceApplication.application()
			// No web server here: closing a reactive web application disposes Reactor Netty's global event loops,
			// which the gateway's server in this JVM runs on too.
			.run(common(node, "--spring.main.web-application-type=none", "--sluice.records.api.port=0", "--sluice.records.api.host=127.0.0.1",
					"--sluice.records.api.shutdown-grace=5s"));
		this.resources.add(context);
		return context;
	}

	private ConfigurableApplicationContext worker() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Worker.class)
			.web(WebApplicationType.NONE)
			.initializers((ctx) -> ctx.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					// The audit wraps the real (PostgreSQL) store the worker writes to.
					return (bean instanceof RecordStore store && !(bean instanceof AuditedStore))
							? this.wrap(store) : bean;
				}

				private RecordStore wrap(RecordStore store) {
					SplitServicesWritePathIT.this.audit.delegate = store;
					return SplitServicesWritePathIT.this.audit;
				}

			}))
			.run(common("worker", "--spring.config.name=storage-worker-it", "--sluice.worker.min-backoff=20ms",
					"--sluice.worker.max-backoff=200ms",
					"--spring.autoconfigure.exclude=io.sluice.gateway.GatewayAutoConfiguration,"
							+ "io.sluice.record.write.RecordServiceAutoConfiguration,"
							+ "io.sluice.record.remote.RemoteRecordServiceAutoConfiguration,"
							+ "io.sluice.record.api.RecordApiAutoConfiguration,"
							+ "org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration,"
							+ "org.springframework.boot.data.mongodb.autoconfigure.DataMongoReactiveAutoConfiguration"));
		this.resources.add(context);
		return context;
	}

	private ConfigurableApplicationContext gateway(String instances) {
		ConfigurableApplicationContext context = GatewayApplication.application()
			.run("--server.port=0", "--sluice.node-id=gateway", "--sluice.records.remote.instances=" + instances,
					"--sluice.records.remote.dns-name=", "--sluice.records.remote.probe-interval=500ms",
					"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
					"--sluice.redis.key-prefix=it-" + this.run + ":", "--spring.main.banner-mode=off");
		this.resources.add(context);
		return context;
	}

	/** What the record services and the worker share: the cache and bus, the queue, the store. */
	private String[] common(String node, String... more) {
		List<String> args = new ArrayList<>(List.of("--sluice.node-id=" + node, "--spring.main.banner-mode=off",
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
				"--sluice.redis.key-prefix=it-" + this.run + ":", "--sluice.cache.type=redis", "--sluice.bus.type=redis",
				"--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(), "--sluice.queue.type=kafka",
				"--sluice.kafka.queue.topic=it.split." + this.run, "--sluice.kafka.queue.partitions=8",
				"--sluice.kafka.queue.group-id=it-split-" + this.run, "--sluice.storage.type=sql",
				"--spring.r2dbc.url=r2dbc:postgresql://localhost:" + postgres.getPort() + "/postgres",
				"--spring.r2dbc.username=postgres", "--spring.r2dbc.password=postgres",
				"--sluice.sql.table-prefix=it_" + this.run + "_"));
		args.addAll(List.of(more));
		return args.toArray(String[]::new);
	}

	/** The storage worker as its own application: the queue drained into the store, nothing else. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Worker {

	}

	/**
	 * A deepstream client on the gateway's JSON endpoint that owns some records and writes each of them in turn
	 * with write acknowledgement: version 1, then each next version once the previous one was acknowledged, until
	 * it has made its share of the writes. A write answered with an error is written again.
	 */
	private final class Writer implements WebSocket.Listener, AutoCloseable {

		private final String user;

		private final List<String> records;

		private final int quota;

		private final ScheduledExecutorService retries;

		private final java.util.function.IntConsumer onAck;

		private final ExecutorService sender;

		private final WebSocket socket;

		private final AtomicInteger started = new AtomicInteger();

		private final AtomicInteger finished = new AtomicInteger();

		private final CountDownLatch done = new CountDownLatch(1);

		private final CountDownLatch loggedIn = new CountDownLatch(2);

		private final StringBuilder partial = new StringBuilder();

		private final Map<String, String> inFlightData = new ConcurrentHashMap<>();

		/** The version each record's write in flight creates. */
		private final Map<String, Long> inFlight = new ConcurrentHashMap<>();

		Writer(String url, String user, List<String> records, int quota, ScheduledExecutorService retries,
				java.util.function.IntConsumer onAck) throws Exception {
			this.user = user;
			this.records = records;
			this.quota = quota;
			this.retries = retries;
			this.onAck = onAck;
			this.sender = Executors.newSingleThreadExecutor((task) -> new Thread(task, "send-" + user));
			this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), this)
				.get(10, TimeUnit.SECONDS);
			send("{\"topic\":2,\"action\":5,\"url\":\"ws://test\",\"protocolVersion\":\"0.1a\","
					+ "\"sdkVersion\":\"7.0.5\",\"sdkType\":\"javascript\",\"isAck\":false}");
			send("{\"topic\":3,\"action\":2,\"parsedData\":{\"username\":\"" + user
					+ "\"},\"data\":\"{\\\"username\\\":\\\"" + user + "\\\"}\",\"isAck\":false}");
			assertThat(this.loggedIn.await(10, TimeUnit.SECONDS)).as("%s logged in", user).isTrue();
		}

		void start() {
			for (String record : this.records) {
				if (this.started.incrementAndGet() <= this.quota) {
					write(record, 1);
				}
			}
		}

		private void write(String record, long version) {
			String data = "{\"by\":\"" + this.user + "\",\"v\":" + version + "}";
			this.inFlightData.put(record, data);
			this.inFlight.put(record, version);
			send("{\"topic\":5,\"action\":" + RecordAction.CREATEANDUPDATE + ",\"name\":\"" + record
					+ "\",\"version\":" + version + ",\"data\":" + json.writeValueAsString(data)
					+ ",\"isWriteAck\":true,\"correlationId\":\"" + version + "\",\"isAck\":false}");
		}

		private void send(String frame) {
			// One send at a time on a JDK WebSocket.
			this.sender.execute(() -> {
				try {
					this.socket.sendText(frame, true).join();
				}
				catch (RuntimeException ex) {
					SplitServicesWritePathIT.this.errors.add("client could not send " + frame + ": " + ex);
				}
			});
		}

		private void received(JsonNode message) {
			int topic = message.path("topic").intValue();
			if (topic != 5) {
				this.loggedIn.countDown();
				return;
			}
			int action = message.path("action").intValue();
			String record = message.path("name").asString();
			if (action == RecordAction.WRITE_ACKNOWLEDGEMENT) {
				acknowledged(record, Long.parseLong(message.path("correlationId").asString()));
			}
			else if (action == RecordAction.VERSION_EXISTS || action == RecordAction.INVALID_VERSION) {
				// An earlier attempt that was answered with an error had been applied after all: go on from there.
				write(record, message.path("version").longValue() + 1);
			}
			else if (action != RecordAction.UPDATE && action != RecordAction.PATCH) {
				long version = Long.parseLong(message.path("correlationId").asString("0"));
				SplitServicesWritePathIT.this.errors.add(message.path("data").asString());
				this.retries.schedule(() -> write(record, version), 100, TimeUnit.MILLISECONDS);
			}
		}

		private void acknowledged(String record, long version) {
			SplitServicesWritePathIT.this.acknowledged.merge(record, version, Math::max);
			SplitServicesWritePathIT.this.acknowledgedData.put(record, this.inFlightData.get(record));
			int count = SplitServicesWritePathIT.this.acks.incrementAndGet();
			if (SplitServicesWritePathIT.this.audit.down.get()) {
				SplitServicesWritePathIT.this.acksWhileStoreDown.incrementAndGet();
			}
			this.onAck.accept(count);
			if (this.started.incrementAndGet() <= this.quota) {
				write(record, version + 1);
			}
			else {
				this.inFlight.remove(record);
			}
			if (this.finished.incrementAndGet() == this.quota) {
				this.done.countDown();
			}
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				String text = this.partial.toString();
				this.partial.setLength(0);
				try {
					received(json.readTree(text));
				}
				catch (RuntimeException ex) {
					SplitServicesWritePathIT.this.errors.add("client could not handle " + text + ": " + ex);
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			SplitServicesWritePathIT.this.errors.add(this.user + "'s connection failed: " + error);
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			SplitServicesWritePathIT.this.errors.add(this.user + "'s connection closed: " + statusCode + " " + reason);
			return null;
		}

		@Override
		public void close() {
			this.socket.abort();
			this.sender.shutdownNow();
		}

	}

	/**
	 * The worker's store, audited: the versions that actually landed, per record and in order, and able to refuse
	 * writes the way an unreachable database does.
	 */
	static final class AuditedStore implements RecordStore {

		private volatile RecordStore delegate;

		private final Map<String, List<Long>> applied = new ConcurrentHashMap<>();

		private final AtomicBoolean down = new AtomicBoolean();

		private final AtomicInteger refused = new AtomicInteger();

		@Override
		public Mono<VersionedRecord> find(String name) {
			return this.delegate.find(name);
		}

		@Override
		public Flux<VersionedRecord> findMany(Collection<String> names) {
			return this.delegate.findMany(names);
		}

		/**
		 * Each partition is drained by one consumer in order and a record lives in one partition, so no two
		 * batches holding one record run at once: what is stored before a batch tells which of its versions land.
		 */
		@Override
		public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
			if (this.down.get()) {
				this.refused.incrementAndGet();
				return Mono.error(new ConnectorException("test", "database unreachable"));
			}
			List<String> names = records.stream().map(VersionedRecord::name).distinct().toList();
			return this.delegate.findMany(names)
				.collectMap(VersionedRecord::name, VersionedRecord::version)
				.flatMap((stored) -> this.delegate.upsertIfNewer(records).doOnSuccess((count) -> {
					Map<String, Long> current = new java.util.HashMap<>(stored);
					for (VersionedRecord record : records) {
						if (record.version() > current.getOrDefault(record.name(), 0L)) {
							this.applied.computeIfAbsent(record.name(), (name) -> new ArrayList<>())
								.add(record.version());
							current.put(record.name(), record.version());
						}
					}
				}));
		}

		@Override
		public Flux<VersionedRecord> scan(String prefix) {
			return this.delegate.scan(prefix);
		}

		@Override
		public Flux<VersionedRecord> findExpired(java.time.Instant at, int limit) {
			return this.delegate.findExpired(at, limit);
		}

	}

}
