package io.sluice.connector.sql;

import java.nio.file.Path;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;

/** {@link SqlStreamHistoryBehaviour} on an H2 file. */
class SqlStreamHistoryBehaviourH2Tests extends SqlStreamHistoryBehaviour {

	@TempDir
	static Path directory;

	private static ConnectionPool connectionFactory;

	@BeforeAll
	static void openDatabase() {
		connectionFactory = TestDatabases.h2File(directory.resolve("history"));
	}

	@AfterAll
	static void closeDatabase() {
		connectionFactory.disposeLater().block(TIMEOUT);
	}

	@Override
	protected ConnectionFactory connectionFactory() {
		return connectionFactory;
	}

	@Override
	protected ConnectionPool secondConnectionFactory() {
		return TestDatabases.h2File(directory.resolve("history"));
	}

}
