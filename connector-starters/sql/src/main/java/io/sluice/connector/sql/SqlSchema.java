package io.sluice.connector.sql;

import java.time.Duration;
import java.util.Objects;

import io.r2dbc.spi.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

import io.sluice.connector.ConnectorException;

/**
 * The tables of the SQL connectors in one database, and the means to create them.
 *
 * <p>{@link #create()} is idempotent (every statement is {@code IF NOT EXISTS}) and must have completed before
 * {@link SqlRecordStore} or {@link SqlStreamHistory} are used. On H2 it also makes commits durable: H2 writes
 * committed changes to its file up to {@code WRITE_DELAY} milliseconds (500 by default) after the commit returns,
 * so a crash inside that window loses writes that were acknowledged. With {@code WRITE_DELAY} 0 every commit is
 * written to the file before it returns. H2 applies that at every open only when the URL asks for it
 * ({@link SqlUrls#h2File}); when it does not, {@code create()} sets it for the open database and warns.
 */
public final class SqlSchema {

	private static final Logger logger = LoggerFactory.getLogger(SqlSchema.class);

	/** The table prefix used unless one is configured. */
	public static final String DEFAULT_TABLE_PREFIX = "sluice_";

	private final ConnectionFactory connectionFactory;

	private final SqlDialect dialect;

	private final SqlTables tables;

	/** What every operation of the adapters waits for: the tables, when {@link #createInBackground} made them. */
	private volatile Mono<Void> created = Mono.empty();

	/**
	 * The schema of tables named {@code tablePrefix} + {@code record}, {@code stream}, {@code stream_entry}.
	 * @throws io.sluice.connector.ConnectorException if the database is neither H2 nor PostgreSQL
	 * @throws IllegalArgumentException if the prefix is not lower-case letters, digits and underscores
	 */
	public SqlSchema(ConnectionFactory connectionFactory, String tablePrefix) {
		this.connectionFactory = Objects.requireNonNull(connectionFactory, "connectionFactory");
		this.tables = new SqlTables(tablePrefix);
		this.dialect = SqlDialect.of(connectionFactory);
	}

	/** A schema with the {@linkplain #DEFAULT_TABLE_PREFIX default prefix}. */
	public SqlSchema(ConnectionFactory connectionFactory) {
		this(connectionFactory, DEFAULT_TABLE_PREFIX);
	}

	/** The database product, such as {@code H2} or {@code PostgreSQL}. */
	public String databaseProduct() {
		return this.dialect.productName();
	}

	/**
	 * Starts {@link #create()} now, without waiting for it: every statement of {@link SqlRecordStore} and
	 * {@link SqlStreamHistory} on this schema waits until the tables exist, and fails as creating them failed.
	 * So a process can open its database while it starts the rest; {@link #awaitCreated()} says how it went.
	 * @param timeout how long creating the tables may take before it fails, with {@code property} named
	 */
	public void createInBackground(Duration timeout, String property) {
		Mono<Void> creating = create()
			.timeout(timeout, Mono.error(() -> new ConnectorException("sql", "Creating the tables on "
					+ databaseProduct() + " took longer than " + property + " (" + timeout
					+ "): is the database at spring.r2dbc.url reachable?")))
			.cache();
		this.created = creating;
		// The outcome is kept by cache() and reported by awaitCreated() and by every statement that waits for it.
		creating.subscribe((done) -> {
		}, (failure) -> {
		});
	}

	/** Waits until the tables started by {@link #createInBackground} exist; throws what creating them threw. */
	public void awaitCreated() {
		this.created.block();
	}

	/** Completes once the tables exist, as far as {@link #createInBackground} is concerned. */
	Mono<Void> created() {
		return this.created;
	}

	/** Creates whatever tables and indexes are missing (and makes H2 commits durable). */
	public Mono<Void> create() {
		SqlOperations operations = SqlOperations.beforeTheTables(this);
		DatabaseClient client = operations.client();
		Mono<Void> tables = Flux.fromIterable(this.dialect.createTables(this.tables))
			// Two instances starting on an empty PostgreSQL may race to create a table; the loser retries.
			.concatMap((ddl) -> client.sql(ddl).then().retryWhen(SqlOperations.CONFLICTS))
			.then();
		Mono<Void> durable = (this.dialect == SqlDialect.H2) ? durableCommits(client) : Mono.empty();
		return operations.run(tables.then(durable), "creating the tables " + this.tables.prefix() + "*");
	}

	private Mono<Void> durableCommits(DatabaseClient client) {
		// DATABASE_PATH() is null for an in-memory database, which has no file to make durable.
		Mono<Boolean> inFile = client.sql("SELECT DATABASE_PATH() IS NOT NULL")
			.map((row) -> Boolean.TRUE.equals(row.get(0, Boolean.class)))
			.one();
		Mono<Boolean> delayed = client
			.sql("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")
			.map((row) -> row.get(0, String.class))
			.all()
			.any((delay) -> !"0".equals(delay));
		return inFile.filter(Boolean::booleanValue).flatMap((file) -> delayed).flatMap((isDelayed) -> {
			if (!isDelayed) {
				return Mono.empty();
			}
			// Setting it now protects this run only until H2 closes the file; the URL makes it stick.
			logger.warn("H2 writes commits to its file up to WRITE_DELAY ms after they return, so a crash could lose "
					+ "acknowledged writes: setting WRITE_DELAY to 0 now. Add {} to the URL (for example {}), as H2 "
					+ "forgets the setting when it reopens the file.", "?options=" + SqlUrls.H2_DURABLE_COMMITS,
					SqlUrls.h2File("./data/sluice"));
			return client.sql("SET WRITE_DELAY 0").then();
		});
	}

	ConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	SqlDialect dialect() {
		return this.dialect;
	}

	SqlTables tables() {
		return this.tables;
	}

}
