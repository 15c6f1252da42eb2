package io.sluice.connector.sql;

import java.io.IOException;
import java.time.Duration;

import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

import io.sluice.connector.RecordStore;
import io.sluice.connector.tck.RecordStoreContract;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;

/** {@link SqlRecordStore} on a real PostgreSQL server: the contract, and what the SQL store adds. */
class SqlRecordStorePostgresIT extends RecordStoreContract {

	private static EmbeddedPostgresServer postgres;

	private static SqlRecordStore store;

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgresServer.start();
		store = new SqlRecordStore(TestDatabases.freshSchema(postgres.connectionFactory()));
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@Override
	protected RecordStore store() {
		return store;
	}

	@Override
	protected Duration timeout() {
		return TIMEOUT;
	}

	@Nested
	class SqlSpecifics extends SqlRecordStoreBehaviour {

		@Override
		protected ConnectionFactory connectionFactory() {
			return postgres.connectionFactory();
		}

	}

}
