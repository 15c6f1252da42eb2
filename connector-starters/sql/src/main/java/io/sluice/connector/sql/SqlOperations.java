package io.sluice.connector.sql;

import java.time.Duration;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.sluice.connector.ConnectorException;

/**
 * How the SQL adapters run their statements: off event loops when the driver blocks, in one transaction where
 * asked, retried when two writers raced for a new key, and failing only with {@link ConnectorException}.
 */
final class SqlOperations {

	private static final String CONNECTOR = "sql";

	// A transaction that lost a race to insert a new key, or was chosen as a deadlock victim, was rolled back and is
	// retried as a whole: every transactional unit here re-reads what it depends on, so a retry is safe. Failures
	// that may have committed (a lost connection) are not retried.
	static final Retry CONFLICTS = Retry.backoff(5, Duration.ofMillis(5))
		.maxBackoff(Duration.ofMillis(200))
		.filter((ex) -> ex instanceof DataIntegrityViolationException || ex instanceof ConcurrencyFailureException)
		.onRetryExhaustedThrow((spec, signal) -> signal.failure());

	private final DatabaseClient client;

	private final TransactionalOperator transactional;

	private final boolean blocking;

	/** The schema whose tables every statement waits for, or null for the statements that create them. */
	private final SqlSchema schema;

	SqlOperations(SqlSchema schema) {
		this(schema, schema);
	}

	private SqlOperations(SqlSchema schema, SqlSchema awaited) {
		this.client = DatabaseClient.create(schema.connectionFactory());
		this.transactional = TransactionalOperator.create(new R2dbcTransactionManager(schema.connectionFactory()));
		this.blocking = schema.dialect().blocking();
		this.schema = awaited;
	}

	/** Operations that do not wait for the tables: the ones that create them. */
	static SqlOperations beforeTheTables(SqlSchema schema) {
		return new SqlOperations(schema, null);
	}

	DatabaseClient client() {
		return this.client;
	}

	/** Runs {@code work} as one transaction, retried as a whole after a lost race. */
	<T> Mono<T> inTransaction(Function<DatabaseClient, Mono<T>> work, String what) {
		Mono<T> once = Mono.defer(() -> this.transactional.transactional(work.apply(this.client)));
		return run(once.retryWhen(CONFLICTS), what);
	}

	<T> Mono<T> run(Mono<T> work, String what) {
		Mono<T> afterTables = (this.schema != null) ? this.schema.created().then(work) : work;
		return offEventLoop(afterTables).onErrorMap((ex) -> !(ex instanceof ConnectorException),
				(ex) -> failure(what, ex));
	}

	<T> Flux<T> run(Flux<T> work, String what) {
		Flux<T> afterTables = (this.schema != null) ? this.schema.created().thenMany(work) : work;
		return offEventLoop(afterTables).onErrorMap((ex) -> !(ex instanceof ConnectorException),
				(ex) -> failure(what, ex));
	}

	private <T> Mono<T> offEventLoop(Mono<T> work) {
		// H2's driver executes statements, and H2 writes its file, on the thread that subscribes or requests:
		// never let that be a Netty event loop, nor a thread a cancellation interrupts (BlockingSql says why).
		return this.blocking ? work.subscribeOn(BlockingSql.SCHEDULER) : work;
	}

	private <T> Flux<T> offEventLoop(Flux<T> work) {
		// As above; subscribeOn also moves later requests, which is where H2 fetches further rows.
		return this.blocking ? work.subscribeOn(BlockingSql.SCHEDULER) : work;
	}

	private static ConnectorException failure(String what, Throwable ex) {
		String reason = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
		return new ConnectorException(CONNECTOR, what + " failed: " + reason, ex);
	}

}
