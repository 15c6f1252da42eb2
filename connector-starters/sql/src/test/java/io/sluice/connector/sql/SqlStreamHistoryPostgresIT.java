package io.sluice.connector.sql;

import java.io.IOException;
import java.time.Duration;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

import io.sluice.connector.StreamArchive;
import io.sluice.connector.tck.StreamArchiveContract;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;

/**
 * {@link SqlStreamHistory} on a real PostgreSQL server: the archive contract (with the history contract on
 * the archive's history), and what the SQL history adds.
 */
class SqlStreamHistoryPostgresIT extends StreamArchiveContract {

	private static EmbeddedPostgresServer postgres;

	private static SqlStreamHistory history;

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgresServer.start();
		history = new SqlStreamHistory(TestDatabases.freshSchema(postgres.connectionFactory()));
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@Override
	protected StreamArchive archive() {
		return history.archive();
	}

	@Override
	protected Duration timeout() {
		return TIMEOUT;
	}

	@Nested
	class SqlSpecifics extends SqlStreamHistoryBehaviour {

		@Override
		protected ConnectionFactory connectionFactory() {
			return postgres.connectionFactory();
		}

		@Override
		protected ConnectionPool secondConnectionFactory() {
			return TestDatabases.pooled(ConnectionFactories.get(postgres.url()));
		}

	}

}
