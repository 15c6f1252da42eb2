package io.sluice.connector.sql;

import java.nio.file.Path;
import java.util.List;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.sluice.connector.VersionedRecord;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;

/** {@link SqlRecordStoreBehaviour} on an H2 file, and what only H2 needs. */
class SqlRecordStoreBehaviourH2Tests extends SqlRecordStoreBehaviour {

	@TempDir
	static Path directory;

	private static ConnectionPool connectionFactory;

	@BeforeAll
	static void openDatabase() {
		connectionFactory = TestDatabases.h2File(directory.resolve("store"));
	}

	@AfterAll
	static void closeDatabase() {
		connectionFactory.disposeLater().block(TIMEOUT);
	}

	@Override
	protected ConnectionFactory connectionFactory() {
		return connectionFactory;
	}

	@Test
	void blockingDriverWorkLeavesTheSubscribingThread() {
		SqlRecordStore store = new SqlRecordStore(TestDatabases.freshSchema(connectionFactory));
		// The subscribing thread stands in for an event loop: H2's driver must never run on it.
		Mono<String> writeThread = Mono.defer(() -> store.upsertIfNewer(List.of(VersionedRecord.of("t", 1, "{}"))))
			.map((written) -> Thread.currentThread().getName())
			.subscribeOn(Schedulers.single());
		StepVerifier.create(writeThread)
			.expectNextMatches((thread) -> thread.startsWith("boundedElastic-"))
			.expectComplete()
			.verify(TIMEOUT);
		Mono<String> readThread = store.find("t").map((found) -> Thread.currentThread().getName())
			.subscribeOn(Schedulers.single());
		StepVerifier.create(readThread)
			.expectNextMatches((thread) -> thread.startsWith("boundedElastic-"))
			.expectComplete()
			.verify(TIMEOUT);
	}

}
