package io.sluice.connector.mongodb;

import java.net.ServerSocket;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoReactiveAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.ReactiveMongoOperations;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import io.sluice.connector.RecordStore;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.choice.ConnectionMissingFailureAnalyzer;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.memory.InMemoryStreamHistory;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;

import static io.sluice.connector.mongodb.MongoJavaServer.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

@ExtendWith(OutputCaptureExtension.class)
class MongoConnectorAutoConfigurationTests {

	private static MongoJavaServer server;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MongoReactiveAutoConfiguration.class,
				DataMongoReactiveAutoConfiguration.class, MongoConnectorAutoConfiguration.class,
				MemoryConnectorAutoConfiguration.class));

	@BeforeAll
	static void startServer() {
		server = new MongoJavaServer();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private static String uri() {
		return "spring.mongodb.uri=" + server.connectionString() + "/autoconfigured";
	}

	@Test
	void withoutATypeTheDefaultsStayInMemory() {
		this.runner.withPropertyValues(uri()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(InMemoryRecordStore.class);
			assertThat(context).hasSingleBean(InMemoryStreamHistory.class);
			assertThat(context).doesNotHaveBean(MongoRecordStore.class);
			assertThat(context).doesNotHaveBean(MongoStreamHistory.class);
		});
	}

	@Test
	void storageTypeMongodbGivesAWorkingRecordStoreOnTheConfiguredDatabase(CapturedOutput output) {
		this.runner.withPropertyValues(uri(), "sluice.storage.type=mongodb").run((context) -> {
			assertThat(context).hasSingleBean(RecordStore.class);
			assertThat(context).hasSingleBean(MongoRecordStore.class);
			assertThat(context).hasSingleBean(InMemoryStreamHistory.class);
			RecordStore store = context.getBean(RecordStore.class);
			VersionedRecord record = VersionedRecord.of("wired", 1, "{}");
			StepVerifier.create(store.upsertIfNewer(List.of(record)).then(store.find("wired")))
				.expectNext(record)
				.expectComplete()
				.verify(TIMEOUT);
			// On the database named by spring.mongodb.uri, in the default collection.
			StepVerifier.create(server.template("autoconfigured").getCollection("sluice_records")
				.flatMap((records) -> Mono.from(records.countDocuments())))
				.assertNext((count) -> assertThat(count).isPositive())
				.expectComplete()
				.verify(TIMEOUT);
		});
		assertThat(output).containsOnlyOnce("RecordStore: mongodb (collection sluice_records, expiry index on exp)");
	}

	@Test
	void historyTypeMongodbGivesAWorkingStreamHistoryInTheNamedCollections(CapturedOutput output) {
		this.runner
			.withPropertyValues(uri(), "sluice.history.type=mongodb", "sluice.mongodb.history-heads-collection=h",
					"sluice.mongodb.history-entries-collection=e")
			.run((context) -> {
				assertThat(context).hasSingleBean(MongoStreamHistory.class);
				assertThat(context).hasSingleBean(InMemoryRecordStore.class);
				StreamHistory history = context.getBean(StreamHistory.class);
				StepVerifier
					.create(history.append("wired", new byte[] { 1 }, io.sluice.connector.Retention.entries(5))
						.map((entry) -> entry.offset()))
					.expectNext(1L)
					.expectComplete()
					.verify(TIMEOUT);
				StepVerifier.create(server.template("autoconfigured").collectionExists("e"))
					.expectNext(true)
					.expectComplete()
					.verify(TIMEOUT);
			});
		assertThat(output).containsOnlyOnce("StreamHistory: mongodb, cold (collections h, e)");
	}

	@Test
	void applicationsOwnAdaptersWinAndNeedNoMongo() throws Exception {
		RecordStore own = new UnusedRecordStore();
		StreamHistory ownHistory = new InMemoryStreamHistory();
		// Nothing listens on this port: had a MongoDB adapter been created, creating its indexes would time out.
		this.runner
			.withPropertyValues("spring.mongodb.uri=mongodb://127.0.0.1:" + closedPort() + "/nobody",
					"sluice.storage.type=mongodb", "sluice.history.type=mongodb", "sluice.mongodb.index-timeout=1s")
			.withBean(RecordStore.class, () -> own)
			.withBean(StreamHistory.class, () -> ownHistory)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RecordStore.class)).isSameAs(own);
				assertThat(context.getBean(StreamHistory.class)).isSameAs(ownHistory);
			});
	}

	@Test
	void unreachableMongoFailsStartUpNamingTheTimeoutAndTheUri() throws Exception {
		this.runner
			.withPropertyValues("spring.mongodb.uri=mongodb://127.0.0.1:" + closedPort() + "/nobody",
					"sluice.storage.type=mongodb", "sluice.mongodb.index-timeout=500ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sluice.mongodb.index-timeout (PT0.5S)")
				.hasMessageContaining("spring.mongodb.uri"));
	}

	@Test
	void missingLibraryFailsStartUpWithTheAnalyzersExplanation() {
		this.runner.withClassLoader(new FilteredClassLoader(ReactiveMongoOperations.class))
			.withPropertyValues("sluice.storage.type=mongodb", "sluice.history.type=mongodb")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ConnectionMissingFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription())
					.contains("sluice.storage.type=mongodb and sluice.history.type=mongodb chose the MongoDB connector")
					.contains("is not on the class path");
				assertThat(analysis.getAction()).contains("spring-boot-starter-data-mongodb-reactive")
					.contains("spring.mongodb.uri")
					.contains("sluice.storage.type=memory and sluice.history.type=memory");
			});
	}

	@Test
	void missingTemplateFailsStartUpWithTheAnalyzersExplanation() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(MongoConnectorAutoConfiguration.class, MemoryConnectorAutoConfiguration.class))
			.withPropertyValues("sluice.history.type=mongodb")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ConnectionMissingFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription())
					.contains("sluice.history.type=mongodb chose the MongoDB connector")
					.contains("no ReactiveMongoOperations bean exists");
				assertThat(analysis.getAction()).contains("sluice.history.type=memory");
			});
	}

	@Test
	void missingTemplateIsExplainedWhenTheApplicationStarts(CapturedOutput output) {
		SpringApplication application = new SpringApplication(EmptyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("sluice.storage.type", "mongodb", "spring.main.banner-mode", "off",
				"spring.autoconfigure.exclude", MongoReactiveAutoConfiguration.class.getName() + ","
						+ DataMongoReactiveAutoConfiguration.class.getName()));
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("sluice.storage.type=mongodb chose the MongoDB connector, but no ReactiveMongoOperations bean")
			.contains("point spring.mongodb.uri at your MongoDB");
	}

	@Test
	void collectionNameMongodbCannotUseFailsStartUp() {
		this.runner.withPropertyValues(uri(), "sluice.storage.type=mongodb", "sluice.mongodb.records-collection=a$b")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("sluice.mongodb.records-collection must be a collection name"));
	}

	@Test
	void applicationsOwnTemplateIsUsed() {
		ReactiveMongoTemplate own = server.template("own");
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(MongoConnectorAutoConfiguration.class, MemoryConnectorAutoConfiguration.class))
			.withPropertyValues("sluice.storage.type=mongodb")
			.withBean(ReactiveMongoOperations.class, () -> own)
			.run((context) -> {
				assertThat(context).hasSingleBean(MongoRecordStore.class);
				StepVerifier.create(context.getBean(RecordStore.class)
					.upsertIfNewer(List.of(VersionedRecord.of("own", 1, "{}")))
					.then(own.collectionExists("sluice_records")))
					.expectNext(true)
					.expectComplete()
					.verify(TIMEOUT);
			});
	}

	private static int closedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class EmptyApplication {

	}

	/** An application's own store; never called here. */
	static final class UnusedRecordStore implements RecordStore {

		@Override
		public Mono<VersionedRecord> find(String name) {
			return Mono.empty();
		}

		@Override
		public Flux<VersionedRecord> findMany(Collection<String> names) {
			return Flux.empty();
		}

		@Override
		public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
			return Mono.just(0);
		}

		@Override
		public Flux<VersionedRecord> scan(String prefix) {
			return Flux.empty();
		}

		@Override
		public Flux<VersionedRecord> findExpired(java.time.Instant at, int limit) {
			return Flux.empty();
		}

	}

}
