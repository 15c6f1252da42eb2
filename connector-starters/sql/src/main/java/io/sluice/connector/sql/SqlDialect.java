package io.sluice.connector.sql;

import java.util.List;
import java.util.StringJoiner;

import io.r2dbc.spi.ConnectionFactory;

import io.sluice.connector.ConnectorException;

/**
 * What differs between the databases the SQL connectors run on: column types, the version-guarded upsert, and how
 * a stream head is advanced and read back in one statement. Everything else is plain SQL shared by both.
 *
 * <p>Statements use {@code $n} bind markers, which both drivers understand.
 */
enum SqlDialect {

	/**
	 * H2 2.x, embedded. Its R2DBC driver runs every statement on the calling thread (it wraps the synchronous
	 * engine), so work must be moved off event loops.
	 */
	H2("H2", true, "VARCHAR", "VARBINARY", "TIMESTAMP(6) WITH TIME ZONE") {

		@Override
		String upsertRecords(SqlTables tables, int rows) {
			// The CASTs give the VALUES list the column types: H2 cannot infer a type for a parameter that is
			// bound to NULL (expires_at of a record that never expires).
			StringJoiner values = new StringJoiner(", ");
			for (int row = 0; row < rows; row++) {
				int first = row * COLUMNS + 1;
				values.add("(CAST($" + first + " AS VARCHAR), CAST($" + (first + 1) + " AS BIGINT), CAST($"
						+ (first + 2) + " AS VARBINARY), CAST($" + (first + 3) + " AS BOOLEAN), CAST($" + (first + 4)
						+ " AS TIMESTAMP(6) WITH TIME ZONE), CAST($" + (first + 5) + " AS INTEGER))");
			}
			return "MERGE INTO " + tables.record() + " t USING (VALUES " + values
					+ ") AS s(name, version, data, deleted, expires_at, expires_nano) ON t.name = s.name "
					+ "WHEN MATCHED AND t.version < s.version THEN UPDATE SET version = s.version, data = s.data, "
					+ "deleted = s.deleted, expires_at = s.expires_at, expires_nano = s.expires_nano "
					+ "WHEN NOT MATCHED THEN INSERT (name, version, data, deleted, expires_at, expires_nano) "
					+ "VALUES (s.name, s.version, s.data, s.deleted, s.expires_at, s.expires_nano)";
		}

		@Override
		String advanceHead(SqlTables tables) {
			return "SELECT epoch, last_offset FROM FINAL TABLE (UPDATE " + tables.stream()
					+ " SET last_offset = last_offset + 1 WHERE stream = $1)";
		}

		@Override
		String createHeadIfAbsent(SqlTables tables) {
			return "MERGE INTO " + tables.stream() + " t USING (VALUES (CAST($1 AS VARCHAR), CAST($2 AS VARCHAR(64)))) "
					+ "AS s(stream, epoch) ON t.stream = s.stream "
					+ "WHEN NOT MATCHED THEN INSERT (stream, epoch, last_offset) VALUES (s.stream, s.epoch, 0)";
		}

	},

	/**
	 * PostgreSQL, through the non-blocking r2dbc-postgresql driver. Names are {@code COLLATE "C"}: ordered by code
	 * point, as Java's String is, so that the primary key's index serves "name LIKE 'prefix%'" scans whatever the
	 * database's default collation is.
	 */
	POSTGRESQL("PostgreSQL", false, "TEXT COLLATE \"C\"", "BYTEA", "TIMESTAMPTZ") {

		@Override
		String upsertRecords(SqlTables tables, int rows) {
			StringJoiner values = new StringJoiner(", ");
			for (int row = 0; row < rows; row++) {
				StringJoiner markers = new StringJoiner(", ", "(", ")");
				for (int column = 1; column <= COLUMNS; column++) {
					markers.add("$" + (row * COLUMNS + column));
				}
				values.add(markers.toString());
			}
			// Rows the WHERE turns away are neither inserted nor updated, so the row count is exactly the
			// number of records written.
			return "INSERT INTO " + tables.record() + " AS t (name, version, data, deleted, expires_at, expires_nano) "
					+ "VALUES " + values + " ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, "
					+ "data = EXCLUDED.data, deleted = EXCLUDED.deleted, expires_at = EXCLUDED.expires_at, "
					+ "expires_nano = EXCLUDED.expires_nano WHERE t.version < EXCLUDED.version";
		}

		@Override
		String advanceHead(SqlTables tables) {
			return "UPDATE " + tables.stream() + " SET last_offset = last_offset + 1 WHERE stream = $1 "
					+ "RETURNING epoch, last_offset";
		}

		@Override
		String createHeadIfAbsent(SqlTables tables) {
			return "INSERT INTO " + tables.stream() + " (stream, epoch, last_offset) VALUES ($1, $2, 0) "
					+ "ON CONFLICT (stream) DO NOTHING";
		}

	};

	/** Parameters per record in {@link #upsertRecords}. */
	static final int COLUMNS = 6;

	private final String productName;

	private final boolean blocking;

	private final String nameType;

	private final String bytesType;

	private final String timeType;

	/**
	 * @param nameType the column type of record and stream names
	 * @param bytesType the column type of record data and event payloads
	 * @param timeType the column type of instants, in microseconds with their time zone
	 */
	SqlDialect(String productName, boolean blocking, String nameType, String bytesType, String timeType) {
		this.productName = productName;
		this.blocking = blocking;
		this.nameType = nameType;
		this.bytesType = bytesType;
		this.timeType = timeType;
	}

	/**
	 * The dialect of the database behind {@code connectionFactory}, from the name its driver reports.
	 * @throws ConnectorException if it is neither H2 nor PostgreSQL
	 */
	static SqlDialect of(ConnectionFactory connectionFactory) {
		String name = connectionFactory.getMetadata().getName();
		for (SqlDialect dialect : values()) {
			if (dialect.productName.equalsIgnoreCase(name)) {
				return dialect;
			}
		}
		throw new ConnectorException("sql", "Unsupported database '" + name + "': the SQL connectors run on H2 and "
				+ "PostgreSQL");
	}

	/** The database product, as its driver names it. */
	String productName() {
		return this.productName;
	}

	/** Whether the driver blocks the thread that subscribes to its statements. */
	boolean blocking() {
		return this.blocking;
	}

	/** Idempotent DDL creating every table and index, in order. */
	List<String> createTables(SqlTables tables) {
		return List.of(
				"CREATE TABLE IF NOT EXISTS " + tables.record() + " (name " + this.nameType + " PRIMARY KEY, "
						+ "version BIGINT NOT NULL, data " + this.bytesType + " NOT NULL, deleted BOOLEAN NOT NULL, "
						+ "expires_at " + this.timeType + ", expires_nano INTEGER)",
				"CREATE TABLE IF NOT EXISTS " + tables.stream() + " (stream " + this.nameType + " PRIMARY KEY, "
						+ "epoch VARCHAR(64) NOT NULL, last_offset BIGINT NOT NULL)",
				"CREATE TABLE IF NOT EXISTS " + tables.entry() + " (stream " + this.nameType + " NOT NULL, "
						+ "entry_offset BIGINT NOT NULL, ts " + this.timeType + " NOT NULL, payload " + this.bytesType
						+ " NOT NULL, PRIMARY KEY (stream, entry_offset))",
				"CREATE INDEX IF NOT EXISTS " + tables.entry() + "_ts ON " + tables.entry() + " (stream, ts)",
				"CREATE INDEX IF NOT EXISTS " + tables.record() + "_expires ON " + tables.record() + " (expires_at)");
	}

	/**
	 * One statement writing {@code rows} records, each bound as {@link #COLUMNS} parameters in order (name,
	 * version, data, deleted, expires_at, expires_nano), each only if its version is greater than the stored one.
	 * Its row count is the number of records written. The names must be distinct.
	 */
	abstract String upsertRecords(SqlTables tables, int rows);

	/**
	 * Adds one to the last offset of stream {@code $1} and returns its {@code epoch} and new {@code last_offset};
	 * no row if the stream has no head yet. The row stays locked until the transaction ends, so concurrent appends
	 * to one stream take turns.
	 */
	abstract String advanceHead(SqlTables tables);

	/** Creates the head of stream {@code $1} with epoch {@code $2} and last offset 0, unless it exists. */
	abstract String createHeadIfAbsent(SqlTables tables);

}
