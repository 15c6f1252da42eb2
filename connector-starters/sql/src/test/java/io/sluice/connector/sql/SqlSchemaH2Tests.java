package io.sluice.connector.sql;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.r2dbc.core.DatabaseClient;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.VersionedRecord;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SqlSchemaH2Tests {

	@TempDir
	Path directory;

	@Test
	void creatingTwiceIsHarmless() {
		ConnectionPool connectionFactory = TestDatabases.h2File(this.directory.resolve("twice"));
		try {
			SqlSchema schema = new SqlSchema(connectionFactory);
			StepVerifier.create(schema.create().then(schema.create())).expectComplete().verify(TIMEOUT);
			assertThat(schema.databaseProduct()).isEqualTo("H2");
		}
		finally {
			connectionFactory.disposeLater().block(TIMEOUT);
		}
	}

	@Test
	void statementsIssuedWhileTheTablesAreCreatedInTheBackgroundWaitForThem() {
		ConnectionPool connectionFactory = TestDatabases.h2File(this.directory.resolve("background"));
		try {
			SqlSchema schema = new SqlSchema(connectionFactory);
			schema.createInBackground(Duration.ofSeconds(30), "sluice.sql.schema-timeout");
			// issued at once: without the wait they would find no table
			SqlRecordStore store = new SqlRecordStore(schema);
			StepVerifier.create(store.upsertIfNewer(List.of(VersionedRecord.of("background/a", 1, "{\"a\":1}")))
				.then(store.find("background/a")))
				.assertNext((found) -> assertThat(found.version()).isEqualTo(1))
				.expectComplete()
				.verify(TIMEOUT);
			schema.awaitCreated();
		}
		finally {
			connectionFactory.disposeLater().block(TIMEOUT);
		}
	}

	@Test
	void aDatabaseThatNeverAnswersFailsTheWaitAndEveryStatementNamingTheProperty() {
		// A pool whose connections never come: the creation cannot finish, and must not hang anyone.
		ConnectionFactory silent = new ConnectionFactory() {
			@Override
			public Publisher<? extends Connection> create() {
				return Mono.never();
			}

			@Override
			public ConnectionFactoryMetadata getMetadata() {
				return () -> "H2";
			}
		};
		SqlSchema schema = new SqlSchema(silent);
		schema.createInBackground(Duration.ofMillis(200), "sluice.sql.schema-timeout");

		assertThatExceptionOfType(ConnectorException.class).isThrownBy(schema::awaitCreated)
			.withMessageContaining("sluice.sql.schema-timeout");
		StepVerifier.create(new SqlRecordStore(schema).find("background/b"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ConnectorException.class)
				.hasMessageContaining("sluice.sql.schema-timeout"))
			.verify(TIMEOUT);
	}

	@Test
	void commitsAreWrittenBeforeTheyReturnEvenWhenTheUrlDoesNotAskForIt() {
		String url = "r2dbc:h2:file:///" + this.directory.resolve("plain").toAbsolutePath();
		assertThat(url).doesNotContain("WRITE_DELAY");
		ConnectionPool connectionFactory = TestDatabases.pooled(ConnectionFactories.get(url));
		try {
			DatabaseClient client = DatabaseClient.create(connectionFactory);
			String writeDelay = "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
					+ "WHERE SETTING_NAME = 'WRITE_DELAY'";
			StepVerifier.create(client.sql(writeDelay).map((row) -> row.get(0, String.class)).all().collectList())
				.assertNext((delays) -> assertThat(delays).contains("500"))
				.expectComplete()
				.verify(TIMEOUT);
			StepVerifier.create(new SqlSchema(connectionFactory).create()).expectComplete().verify(TIMEOUT);
			StepVerifier.create(client.sql(writeDelay).map((row) -> row.get(0, String.class)).all().collectList())
				.assertNext((delays) -> assertThat(delays).isNotEmpty().containsOnly("0"))
				.expectComplete()
				.verify(TIMEOUT);
		}
		finally {
			connectionFactory.disposeLater().block(TIMEOUT);
		}
	}

	@Test
	void tablePrefixThatCouldAlterAStatementIsRefused() {
		ConnectionPool connectionFactory = TestDatabases.h2File(this.directory.resolve("prefix"));
		try {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new SqlSchema(connectionFactory, "x; DROP TABLE y; --"))
				.withMessageContaining("table prefix");
		}
		finally {
			connectionFactory.disposeLater().block(TIMEOUT);
		}
	}

	@Test
	void embeddedUrlAsksForDurableCommits() {
		assertThat(SqlUrls.h2File("./data/sluice")).isEqualTo("r2dbc:h2:file:///./data/sluice?options=WRITE_DELAY=0");
		assertThat(SqlUrls.h2File("data/sluice")).isEqualTo("r2dbc:h2:file:///./data/sluice?options=WRITE_DELAY=0");
		assertThat(SqlUrls.h2File("/var/lib/sluice/db"))
			.isEqualTo("r2dbc:h2:file:////var/lib/sluice/db?options=WRITE_DELAY=0");
	}

}
