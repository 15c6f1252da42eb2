package io.sluice.connector.sql;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import org.springframework.r2dbc.core.DatabaseClient;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.tck.RecordStoreContract;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link SqlRecordStore} on an H2 file: the contract, and what the SQL store adds. */
class SqlRecordStoreH2Tests extends RecordStoreContract {

	@TempDir
	static Path directory;

	private static ConnectionPool connectionFactory;

	private static SqlRecordStore store;

	@BeforeAll
	static void openDatabase() {
		connectionFactory = TestDatabases.h2File(directory.resolve("store"));
		store = new SqlRecordStore(TestDatabases.freshSchema(connectionFactory));
	}

	@AfterAll
	static void closeDatabase() {
		connectionFactory.disposeLater().block(TIMEOUT);
	}

	@Override
	protected RecordStore store() {
		return store;
	}

	@Override
	protected Duration timeout() {
		return TIMEOUT;
	}

	/** Counts the connections created through it and closed again. */
	private static final class CountingConnections implements ConnectionFactory {

		private final ConnectionFactory delegate;

		private final AtomicInteger created = new AtomicInteger();

		private final AtomicInteger closed = new AtomicInteger();

		CountingConnections(ConnectionFactory delegate) {
			this.delegate = delegate;
		}

		@Override
		public Publisher<? extends Connection> create() {
			return Mono.from(this.delegate.create()).map((connection) -> {
				this.created.incrementAndGet();
				return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
						new Class<?>[] { Connection.class }, (proxy, method, args) -> {
							if (method.getName().equals("close")) {
								this.closed.incrementAndGet();
							}
							try {
								return method.invoke(connection, args);
							}
							catch (InvocationTargetException ex) {
								throw ex.getCause();
							}
						});
			});
		}

		@Override
		public ConnectionFactoryMetadata getMetadata() {
			return this.delegate.getMetadata();
		}

	}

	@Nested
	class SqlSpecifics extends SqlRecordStoreBehaviour {

		@Override
		protected ConnectionFactory connectionFactory() {
			return connectionFactory;
		}

		@Test
		void batchesAreWrittenThroughOneKeptConnectionGivenBackOnClose() {
			CountingConnections counted = new CountingConnections(connectionFactory);
			SqlRecordStore kept = new SqlRecordStore(TestDatabases.freshSchema(counted));
			int beforeWrites = counted.created.get();
			for (int version = 1; version <= 5; version++) {
				StepVerifier.create(kept.upsertIfNewer(List.of(VersionedRecord.of("kept", version, "{}"))))
					.expectNext(1)
					.expectComplete()
					.verify(TIMEOUT);
			}
			assertThat(counted.created.get() - beforeWrites).isEqualTo(1);
			kept.close();
			assertThat(counted.closed.get()).isEqualTo(counted.created.get());
			StepVerifier.create(kept.upsertIfNewer(List.of(VersionedRecord.of("kept", 6, "{}"))))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ConnectorException.class)
					.hasMessageContaining("write connection"))
				.verify(TIMEOUT);
		}

		@Test
		void aFailedWriteGivesItsConnectionBackAndTheNextWriteTakesAnother() {
			SqlSchema schema = TestDatabases.freshSchema(connectionFactory);
			CountingConnections counted = new CountingConnections(connectionFactory);
			SqlRecordStore kept = new SqlRecordStore(new SqlSchema(counted, schema.tables().prefix()));
			// A write that fails for another reason than a lost race (here: its table is gone) says the connection
			// may be broken, so it is given back.
			DatabaseClient.create(connectionFactory).sql("DROP TABLE " + schema.tables().record()).then().block(TIMEOUT);
			StepVerifier.create(kept.upsertIfNewer(List.of(VersionedRecord.of("lost", 1, "{}"))))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ConnectorException.class)
					.hasMessageStartingWith("sql: writing 1 records failed"))
				.verify(TIMEOUT);
			StepVerifier.create(schema.create()).expectComplete().verify(TIMEOUT);
			StepVerifier.create(kept.upsertIfNewer(List.of(VersionedRecord.of("healthy", 1, "{}"))))
				.expectNext(1)
				.expectComplete()
				.verify(TIMEOUT);
			assertThat(counted.created.get()).isEqualTo(2);
			StepVerifier.create(kept.find("healthy").map(VersionedRecord::version))
				.expectNext(1L)
				.expectComplete()
				.verify(TIMEOUT);
			kept.close();
		}

		@Test
		void concurrentBatchesOnTheKeptConnectionAllLand() {
			SqlRecordStore kept = new SqlRecordStore(TestDatabases.freshSchema(connectionFactory));
			StepVerifier.create(Flux.range(1, 40)
				.flatMap((i) -> kept.upsertIfNewer(List.of(VersionedRecord.of("many/" + i, 1, "{}"),
						VersionedRecord.of("many/shared", i, "{\"i\":" + i + "}"))), 40)
				.then(kept.scan("many/").count()))
				.expectNext(41L)
				.expectComplete()
				.verify(TIMEOUT);
			StepVerifier.create(kept.find("many/shared").map(VersionedRecord::version))
				.expectNext(40L)
				.expectComplete()
				.verify(TIMEOUT);
			kept.close();
		}

		@Test
		void blockingDriverWorkLeavesTheSubscribingThread() {
			// The subscribing thread stands in for an event loop: H2's driver must never run on it.
			Mono<String> writeThread = Mono
				.defer(() -> store.upsertIfNewer(List.of(VersionedRecord.of("thread-test", 1, "{}"))))
				.map((written) -> Thread.currentThread().getName())
				.subscribeOn(Schedulers.single());
			StepVerifier.create(writeThread)
				.expectNextMatches((thread) -> thread.startsWith("sluice-sql-"))
				.expectComplete()
				.verify(TIMEOUT);
			Mono<String> readThread = store.find("thread-test")
				.map((found) -> Thread.currentThread().getName())
				.subscribeOn(Schedulers.single());
			StepVerifier.create(readThread)
				.expectNextMatches((thread) -> thread.startsWith("sluice-sql-"))
				.expectComplete()
				.verify(TIMEOUT);
		}

	}

}
