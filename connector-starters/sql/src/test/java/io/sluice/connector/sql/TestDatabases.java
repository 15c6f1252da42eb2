package io.sluice.connector.sql;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import reactor.test.StepVerifier;

/** Databases for tests: H2 files in a temporary directory, pooled connections, fresh table prefixes. */
final class TestDatabases {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private TestDatabases() {
	}

	/** A pool of connections to the H2 database in {@code file}, with the URL the embedded default uses. */
	static ConnectionPool h2File(Path file) {
		return pooled(ConnectionFactories.get(SqlUrls.h2File(file.toAbsolutePath().toString())));
	}

	static ConnectionPool pooled(ConnectionFactory connectionFactory) {
		return new ConnectionPool(ConnectionPoolConfiguration.builder(connectionFactory)
			.initialSize(1)
			.maxSize(8)
			.maxAcquireTime(TIMEOUT)
			.build());
	}

	/** A created schema whose tables no other test uses. */
	static SqlSchema freshSchema(ConnectionFactory connectionFactory) {
		SqlSchema schema = new SqlSchema(connectionFactory,
				"t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_");
		StepVerifier.create(schema.create()).expectComplete().verify(TIMEOUT);
		return schema;
	}

}
