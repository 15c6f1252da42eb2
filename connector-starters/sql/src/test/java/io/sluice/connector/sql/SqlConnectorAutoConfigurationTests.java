package io.sluice.connector.sql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.FileSystemUtils;

import io.sluice.connector.RecordStore;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.choice.ConnectionMissingFailureAnalyzer;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatException;

@ExtendWith(OutputCaptureExtension.class)
class SqlConnectorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class, SqlConnectorAutoConfiguration.class));

	// Removed by the test itself: the connection pool's warm-up, started with the context, can still open the H2 file
	// while the context closes, which JUnit's own clean-up would race with.
	@TempDir(cleanup = CleanupMode.NEVER)
	Path directory;

	@AfterEach
	void deleteTheDatabaseFiles() {
		await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
			FileSystemUtils.deleteRecursively(this.directory);
			return !Files.exists(this.directory);
		});
	}

	private String url() {
		return "spring.r2dbc.url=" + SqlUrls.h2File(this.directory.resolve("context").toAbsolutePath().toString());
	}

	@Test
	void nothingIsCreatedUnlessSqlIsChosen() {
		this.runner.withPropertyValues(url(), "sluice.storage.type=memory").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SqlSchema.class);
			assertThat(context).doesNotHaveBean(RecordStore.class);
			assertThat(context).doesNotHaveBean(StreamHistory.class);
		});
	}

	@Test
	void storageTypeSqlGivesAWorkingRecordStoreOnTheConfiguredDatabase(CapturedOutput output) {
		this.runner.withPropertyValues(url(), "sluice.storage.type=sql").run((context) -> {
			assertThat(context).hasSingleBean(SqlRecordStore.class);
			assertThat(context).doesNotHaveBean(StreamHistory.class);
			RecordStore store = context.getBean(RecordStore.class);
			VersionedRecord record = VersionedRecord.of("wired", 1, "{}");
			StepVerifier.create(store.upsertIfNewer(List.of(record)).then(store.find("wired")))
				.expectNext(record)
				.expectComplete()
				.verify(TIMEOUT);
		});
		assertThat(output).containsOnlyOnce("RecordStore: sql, on H2 (table sluice_record)");
	}

	@Test
	void historyTypeSqlGivesAWorkingStreamHistory(CapturedOutput output) {
		this.runner.withPropertyValues(url(), "sluice.history.type=sql", "sluice.sql.table-prefix=events_")
			.run((context) -> {
				assertThat(context).hasSingleBean(SqlStreamHistory.class);
				assertThat(context).doesNotHaveBean(RecordStore.class);
				StepVerifier.create(context.getBean(StreamHistory.class).position("s").map((p) -> p.offset()))
					.expectNext(0L)
					.expectComplete()
					.verify(TIMEOUT);
			});
		assertThat(output).containsOnlyOnce("StreamHistory: sql, on H2 (tables events_stream, events_stream_entry)");
	}

	@Test
	void applicationsOwnAdaptersWinAndLeaveTheDatabaseAlone() {
		RecordStore own = new UnusedRecordStore();
		// No URL: had the SQL adapters or their schema been created, start-up would fail.
		this.runner.withPropertyValues("sluice.storage.type=sql", "sluice.history.type=sql")
			.withBean(RecordStore.class, () -> own)
			.withBean(StreamHistory.class, () -> new SqlStreamHistory(TestDatabases.freshSchema(h2())))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RecordStore.class)).isSameAs(own);
				assertThat(context).hasSingleBean(StreamHistory.class);
				// Defined, but never created: nothing asked for it.
				assertThat(context.getBeanFactory().containsSingleton("sluiceSqlSchema")).isFalse();
			});
	}

	@Test
	void applicationsOwnConnectionFactoryNeedsNoUrl() {
		this.runner.withPropertyValues("sluice.storage.type=sql")
			.withBean(ConnectionFactory.class, this::h2)
			.run((context) -> assertThat(context).hasSingleBean(SqlRecordStore.class));
	}

	@Test
	void missingUrlFailsStartUpWithTheAnalyzersExplanation() {
		this.runner.withPropertyValues("sluice.storage.type=sql", "sluice.history.type=sql").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new ConnectionMissingFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.contains("sluice.storage.type=sql and sluice.history.type=sql chose the SQL connector")
				.contains("spring.r2dbc.url is not set");
			assertThat(analysis.getAction()).contains("Set spring.r2dbc.url")
				.contains("r2dbc:h2:file:///./data/sluice?options=WRITE_DELAY=0")
				.contains("sluice.storage.type=memory");
		});
	}

	@Test
	void missingUrlIsExplainedWhenTheApplicationStarts(CapturedOutput output) {
		SpringApplication application = new SpringApplication(EmptyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("sluice.storage.type", "sql", "spring.main.banner-mode", "off"));
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("sluice.storage.type=sql chose the SQL connector, but no database is configured")
			.contains("Set spring.r2dbc.url");
	}

	@Test
	void tablePrefixThatIsNotAPlainIdentifierFailsStartUp() {
		this.runner.withPropertyValues(url(), "sluice.storage.type=sql", "sluice.sql.table-prefix=x;drop")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("A table prefix must be a lower-case letter"));
	}

	private ConnectionFactory h2() {
		return ConnectionFactories.get(SqlUrls.h2File(this.directory.resolve("own").toAbsolutePath().toString()));
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
		public Flux<VersionedRecord> findMany(java.util.Collection<String> names) {
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
