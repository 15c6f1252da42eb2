package io.sluice.connector.sql;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.tck.RecordStoreContract;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;

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

	@Nested
	class SqlSpecifics extends SqlRecordStoreBehaviour {

		@Override
		protected ConnectionFactory connectionFactory() {
			return connectionFactory;
		}

		@Test
		void blockingDriverWorkLeavesTheSubscribingThread() {
			// The subscribing thread stands in for an event loop: H2's driver must never run on it.
			Mono<String> writeThread = Mono
				.defer(() -> store.upsertIfNewer(List.of(VersionedRecord.of("thread-test", 1, "{}"))))
				.map((written) -> Thread.currentThread().getName())
				.subscribeOn(Schedulers.single());
			StepVerifier.create(writeThread)
				.expectNextMatches((thread) -> thread.startsWith("boundedElastic-"))
				.expectComplete()
				.verify(TIMEOUT);
			Mono<String> readThread = store.find("thread-test")
				.map((found) -> Thread.currentThread().getName())
				.subscribeOn(Schedulers.single());
			StepVerifier.create(readThread)
				.expectNextMatches((thread) -> thread.startsWith("boundedElastic-"))
				.expectComplete()
				.verify(TIMEOUT);
		}

	}

}
