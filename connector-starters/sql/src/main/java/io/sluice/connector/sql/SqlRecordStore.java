package io.sluice.connector.sql;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.connection.ConnectionFactoryUtils;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/**
 * A {@link RecordStore} in one SQL table, on PostgreSQL or H2.
 *
 * <p>Besides the guarantees of the port:
 * <ul>
 * <li><b>Group commit.</b> {@link #upsertIfNewer} writes a whole batch in one transaction: all of it or none of
 * it. The batch is first collapsed to the highest version per name, so the count returned is the number of rows
 * written (a record named twice in a batch is written at most once).</li>
 * <li><b>No deadlocks between batches.</b> Rows are written in name order, so two batches touching the same
 * records lock them in the same order.</li>
 * <li><b>Durability.</b> The returned {@code Mono} completes after the commit; on H2 a commit is in the file
 * before it returns (see {@link SqlSchema}), and the file is forced to the disk ({@code CHECKPOINT SYNC}) before a
 * batch counts as written, so that a batch the storage queue then forgets survives a power cut too, as a
 * PostgreSQL commit does.</li>
 * <li><b>One write connection on H2.</b> H2 writes one commit at a time to its file, so batches are written
 * through one connection this store keeps ({@link HeldConnection}) instead of one taken from the pool, and checked,
 * per batch; a batch that fits one statement is that statement alone, committed by H2's auto-commit (a statement
 * is atomic), without a transaction begun and committed around it. Its statements hold power-of-two numbers of
 * rows, so that the few statement texts stay parsed in H2's cache. {@link #close()} gives the connection back.
 * On PostgreSQL every batch takes a pooled connection, so batches of different callers run concurrently.</li>
 * <li><b>Expiry</b> is judged to the nanosecond (by this process's clock for a scan); {@code expiresAt} reads back
 * exactly (the timestamp column keeps microseconds, the finest PostgreSQL has, and a second column the
 * nanoseconds). An index on {@code expires_at} serves {@link #findExpired}.</li>
 * </ul>
 * The schema must have been {@linkplain SqlSchema#create() created} first.
 */
public final class SqlRecordStore implements RecordStore, AutoCloseable {

	/** The most rows written by one statement unless configured otherwise. */
	public static final int DEFAULT_ROWS_PER_STATEMENT = 500;

	// Names per SELECT ... IN (...): far below every driver's limit on bind parameters.
	private static final int NAMES_PER_QUERY = 1024;

	/**
	 * The most rows of one upsert statement on H2. H2 keeps the last few statements it parsed per session, by their
	 * text, and parsing a many-row upsert costs about as much as running it: batches are cut into statements of
	 * power-of-two sizes up to this, few enough different texts to stay parsed on the kept connection.
	 */
	private static final int H2_ROWS_PER_STATEMENT = 64;

	private static final byte[] NO_DATA = new byte[0];

	private final SqlOperations operations;

	private final SqlDialect dialect;

	private final SqlTables tables;

	private final int rowsPerStatement;

	private final Clock clock;

	private final String columns;

	/** The upsert of n rows at index n, built when first needed. */
	private final AtomicReferenceArray<String> upserts;

	/** The connection batches are written through, or {@code null} to take one from the pool per batch. */
	private final HeldConnection writes;

	/**
	 * A store writing at most {@code rowsPerStatement} rows per statement (a batch may need several statements,
	 * all in its one transaction), judging expiry by {@code clock}.
	 */
	public SqlRecordStore(SqlSchema schema, int rowsPerStatement, Clock clock) {
		if (rowsPerStatement < 1 || rowsPerStatement > 10_000) {
			throw new IllegalArgumentException("rowsPerStatement must be from 1 to 10000, was " + rowsPerStatement);
		}
		this.operations = new SqlOperations(schema);
		this.dialect = schema.dialect();
		this.tables = schema.tables();
		this.rowsPerStatement = rowsPerStatement;
		this.clock = Objects.requireNonNull(clock, "clock");
		this.columns = "SELECT name, version, data, deleted, expires_at, expires_nano FROM " + this.tables.record();
		this.upserts = new AtomicReferenceArray<>(rowsPerStatement + 1);
		// A blocking driver (H2) runs a unit of work on the thread that subscribes: a unit that waited for the
		// connection goes to the threads every H2 statement runs on (BlockingSql).
		this.writes = this.dialect.blocking() ? new HeldConnection(schema.connectionFactory(), BlockingSql.SCHEDULER)
				: null;
	}

	/** A store with the default statement size and the system clock. */
	public SqlRecordStore(SqlSchema schema) {
		this(schema, DEFAULT_ROWS_PER_STATEMENT, Clock.systemUTC());
	}

	@Override
	public Mono<VersionedRecord> find(String name) {
		Objects.requireNonNull(name, "name");
		Mono<VersionedRecord> found = Mono.defer(() -> this.operations.client()
			.sql(this.columns + " WHERE name = $1")
			.bind(0, name)
			.map(SqlRecordStore::toRecord)
			.one());
		return this.operations.run(found, "reading record '" + name + "'");
	}

	@Override
	public Flux<VersionedRecord> findMany(Collection<String> names) {
		List<String> distinct = List.copyOf(new LinkedHashSet<>(names));
		if (distinct.isEmpty()) {
			return Flux.empty();
		}
		Flux<VersionedRecord> found = Flux.fromIterable(chunks(distinct, NAMES_PER_QUERY))
			.concatMap(this::findChunk);
		return this.operations.run(found, "reading " + distinct.size() + " records");
	}

	private Flux<VersionedRecord> findChunk(List<String> names) {
		StringJoiner markers = new StringJoiner(", ", "(", ")");
		List<Object> values = new ArrayList<>(NAMES_PER_QUERY);
		// Padded to a power of two with the last name again, so that the query's text repeats and a database that
		// keeps parsed statements by their text finds it there.
		int padded = Math.min(NAMES_PER_QUERY, Integer.highestOneBit(names.size() * 2 - 1));
		for (int i = 0; i < padded; i++) {
			markers.add("$" + (i + 1));
			values.add(names.get(Math.min(i, names.size() - 1)));
		}
		return this.operations.client()
			.sql(this.columns + " WHERE name IN " + markers)
			.bindValues(values)
			.map(SqlRecordStore::toRecord)
			.all();
	}

	@Override
	public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
		Objects.requireNonNull(records, "records");
		if (records.isEmpty()) {
			return Mono.just(0);
		}
		List<VersionedRecord> newest = newestPerName(records);
		List<List<VersionedRecord>> statements = (this.writes != null)
				? powerOfTwoChunks(newest, Math.min(this.rowsPerStatement, H2_ROWS_PER_STATEMENT))
				: chunks(newest, this.rowsPerStatement);
		String what = "writing " + newest.size() + " records";
		if (this.writes != null) {
			Mono<Integer> written = Mono.defer(() -> this.writes.use((connection) -> upsertAll(connection, statements)
				.flatMap((count) -> forced(connection).thenReturn(count))));
			return this.operations.run(written.retryWhen(SqlOperations.CONFLICTS), what);
		}
		return this.operations.inTransaction((client) -> Flux.fromIterable(statements)
			.concatMap((rows) -> upsert(client, rows))
			.reduce(0, Integer::sum), what);
	}

	/** Gives back the connection kept for writes, if any; writes after this fail. */
	@Override
	public void close() {
		if (this.writes != null) {
			this.writes.close();
		}
	}

	private Mono<Integer> upsert(DatabaseClient client, List<VersionedRecord> rows) {
		List<Object> values = new ArrayList<>(rows.size() * SqlDialect.COLUMNS);
		for (VersionedRecord row : rows) {
			values.add(row.name());
			values.add(row.version());
			values.add(row.data());
			values.add(row.deleted());
			if (row.expiresAt() != null) {
				values.add(expiresAtMicros(row));
				values.add(row.expiresAt().getNano());
			}
			else {
				values.add(Parameter.empty(Instant.class));
				values.add(Parameter.empty(Integer.class));
			}
		}
		// bindValues binds all at once: each bind(..) call copies the bindings made so far.
		return client.sql(upsertSql(rows.size()))
			.bindValues(values)
			.fetch()
			.rowsUpdated()
			.map(Math::toIntExact);
	}

	/** Forces H2's file to the disk: its commits are written to the file, not forced. */
	private static Mono<Void> forced(Connection connection) {
		return Flux.from(connection.createStatement("CHECKPOINT SYNC").execute())
			.concatMap(Result::getRowsUpdated)
			.then();
	}

	/** Writes the statements on the kept connection: one alone in auto-commit, several in one transaction. */
	private Mono<Integer> upsertAll(Connection connection, List<List<VersionedRecord>> statements) {
		if (statements.size() == 1) {
			return upsert(connection, statements.get(0));
		}
		Mono<Integer> written = Flux.fromIterable(statements)
			.concatMap((rows) -> upsert(connection, rows))
			.reduce(0, Integer::sum);
		return Mono.from(connection.beginTransaction())
			.then(written)
			.flatMap((count) -> Mono.from(connection.commitTransaction()).thenReturn(count))
			// If the rollback fails too, its error is the one reported, so the connection is not kept.
			.onErrorResume((ex) -> Mono.from(connection.rollbackTransaction()).then(Mono.error(ex)))
			.onErrorMap(R2dbcException.class, (ex) -> ConnectionFactoryUtils.convertR2dbcException("writing records",
					null, ex));
	}

	private Mono<Integer> upsert(Connection connection, List<VersionedRecord> rows) {
		String sql = upsertSql(rows.size());
		Statement statement = connection.createStatement(sql);
		int index = 0;
		for (VersionedRecord row : rows) {
			statement.bind(index++, row.name());
			statement.bind(index++, row.version());
			statement.bind(index++, row.data());
			statement.bind(index++, row.deleted());
			if (row.expiresAt() != null) {
				statement.bind(index++, expiresAtMicros(row));
				statement.bind(index++, row.expiresAt().getNano());
			}
			else {
				statement.bindNull(index++, Instant.class);
				statement.bindNull(index++, Integer.class);
			}
		}
		return Flux.from(statement.execute())
			.concatMap(Result::getRowsUpdated)
			.reduce(0L, Long::sum)
			.map(Math::toIntExact)
			.onErrorMap(R2dbcException.class, (ex) -> ConnectionFactoryUtils.convertR2dbcException("writing records",
					sql, ex));
	}

	private String upsertSql(int rows) {
		String sql = this.upserts.get(rows);
		if (sql == null) {
			sql = this.dialect.upsertRecords(this.tables, rows);
			this.upserts.set(rows, sql);
		}
		return sql;
	}

	/**
	 * Bound already cut to the microsecond: PostgreSQL would round (possibly into the next second), and the
	 * nanosecond column restores the exact instant.
	 */
	private static Instant expiresAtMicros(VersionedRecord row) {
		return row.expiresAt().truncatedTo(ChronoUnit.MICROS);
	}

	@Override
	public Flux<VersionedRecord> scan(String prefix) {
		Objects.requireNonNull(prefix, "prefix");
		Flux<VersionedRecord> live = Flux.defer(() -> this.operations.client()
			.sql(this.columns + " WHERE name LIKE $1 ESCAPE '\\' AND deleted = FALSE "
					+ "AND " + live(2) + " ORDER BY name")
			.bindValues(withNow(likePrefix(prefix)))
			.map(SqlRecordStore::toRecord)
			.all());
		return this.operations.run(live, "scanning records starting with '" + prefix + "'");
	}

	@Override
	public Flux<VersionedRecord> findExpired(Instant at, int limit) {
		Objects.requireNonNull(at, "at");
		if (limit < 1) {
			return Flux.empty();
		}
		// Rows whose deadline is at or before the instant, to the nanosecond (the index is on expires_at).
		Flux<VersionedRecord> due = Flux.defer(() -> this.operations.client()
			.sql(this.columns + " WHERE expires_at <= $1 AND deleted = FALSE AND (expires_at < $1 OR expires_nano <= $2)"
					+ " ORDER BY expires_at, expires_nano LIMIT " + limit)
			.bind(0, at.truncatedTo(ChronoUnit.MICROS))
			.bind(1, at.getNano())
			.map(SqlRecordStore::toRecord)
			.all());
		return this.operations.run(due, "finding records expired at " + at);
	}

	/**
	 * The condition that a row has not expired, given now as two parameters from {@code $first}: the instant
	 * cut to the microsecond and its nano-of-second. Exact to the nanosecond, like
	 * {@link VersionedRecord#isExpiredAt}, although the timestamp column keeps microseconds.
	 */
	private static String live(int first) {
		String micros = "$" + first;
		String nano = "$" + (first + 1);
		return "(expires_at IS NULL OR expires_at > " + micros + " OR (expires_at = " + micros + " AND expires_nano > "
				+ nano + "))";
	}

	/** {@code leading} values followed by the two parameters of {@link #live} for the clock's now. */
	private List<Object> withNow(Object... leading) {
		Instant now = this.clock.instant();
		List<Object> values = new ArrayList<>(List.of(leading));
		values.add(now.truncatedTo(ChronoUnit.MICROS));
		values.add(now.getNano());
		return values;
	}

	/** A LIKE pattern matching names that start with {@code prefix}, taking its characters literally. */
	static String likePrefix(String prefix) {
		StringBuilder pattern = new StringBuilder(prefix.length() + 8);
		for (int i = 0; i < prefix.length(); i++) {
			char c = prefix.charAt(i);
			if (c == '\\' || c == '%' || c == '_') {
				pattern.append('\\');
			}
			pattern.append(c);
		}
		return pattern.append('%').toString();
	}

	/** The highest version of each name, ordered by name. */
	static List<VersionedRecord> newestPerName(List<VersionedRecord> records) {
		Map<String, VersionedRecord> newest = new TreeMap<>();
		for (VersionedRecord candidate : records) {
			newest.merge(candidate.name(), candidate,
					(kept, offered) -> (offered.version() > kept.version()) ? offered : kept);
		}
		return new ArrayList<>(newest.values());
	}

	/** Consecutive chunks whose sizes are powers of two, each as large as what is left allows, up to {@code max}. */
	static <T> List<List<T>> powerOfTwoChunks(List<T> items, int max) {
		int largest = Integer.highestOneBit(max);
		List<List<T>> chunks = new ArrayList<>();
		for (int from = 0; from < items.size();) {
			int size = Math.min(largest, Integer.highestOneBit(items.size() - from));
			chunks.add(items.subList(from, from + size));
			from += size;
		}
		return chunks;
	}

	private static <T> List<List<T>> chunks(List<T> items, int size) {
		List<List<T>> chunks = new ArrayList<>((items.size() + size - 1) / size);
		for (int from = 0; from < items.size(); from += size) {
			chunks.add(items.subList(from, Math.min(items.size(), from + size)));
		}
		return chunks;
	}

	private static VersionedRecord toRecord(Readable row) {
		byte[] data = row.get("data", byte[].class);
		Long version = row.get("version", Long.class);
		Boolean deleted = row.get("deleted", Boolean.class);
		return new VersionedRecord(row.get("name", String.class), (version != null) ? version : 0,
				(data != null) ? data : NO_DATA, Boolean.TRUE.equals(deleted), expiresAt(row));
	}

	private static Instant expiresAt(Readable row) {
		Instant toTheMicrosecond = row.get("expires_at", Instant.class);
		Integer nano = row.get("expires_nano", Integer.class);
		return (toTheMicrosecond != null && nano != null) ? toTheMicrosecond.with(ChronoField.NANO_OF_SECOND, nano)
				: toTheMicrosecond;
	}

}
