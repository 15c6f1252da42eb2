package io.sluice.connector.sql;

import java.nio.file.Path;
import java.time.Duration;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.connector.StreamArchive;
import io.sluice.connector.tck.StreamArchiveContract;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;

/**
 * {@link SqlStreamHistory} on an H2 file: the archive contract (with the history contract on
 * the archive's history), and what the SQL history adds.
 */
class SqlStreamHistoryH2Tests extends StreamArchiveContract {

	@TempDir
	static Path directory;

	private static ConnectionPool connectionFactory;

	private static SqlStreamHistory history;

	@BeforeAll
	static void openDatabase() {
		connectionFactory = TestDatabases.h2File(directory.resolve("history"));
		history = new SqlStreamHistory(TestDatabases.freshSchema(connectionFactory));
	}

	@AfterAll
	static void closeDatabase() {
		connectionFactory.disposeLater().block(TIMEOUT);
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
			return connectionFactory;
		}

		@Override
		protected ConnectionPool secondConnectionFactory() {
			return TestDatabases.h2File(directory.resolve("history"));
		}

	}

}
