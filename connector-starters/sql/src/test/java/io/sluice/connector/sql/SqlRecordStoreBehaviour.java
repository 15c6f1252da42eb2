package io.sluice.connector.sql;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.r2dbc.core.DatabaseClient;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.tck.SettableClock;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link SqlRecordStore} promises beyond the port, run against each database by a subclass.
 */
abstract class SqlRecordStoreBehaviour {

	private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

	private final SettableClock clock = new SettableClock(NOW);

	private SqlSchema schema;

	protected abstract ConnectionFactory connectionFactory();

	@BeforeEach
	void createSchema() {
		this.schema = TestDatabases.freshSchema(connectionFactory());
	}

	private SqlRecordStore store(int rowsPerStatement) {
		return new SqlRecordStore(this.schema, rowsPerStatement, this.clock);
	}

	@Test
	void batchIsCollapsedToTheNewestVersionPerNameAndTheCountIsRowsWritten() {
		SqlRecordStore store = store(500);
		VersionedRecord newest = VersionedRecord.of("a", 3, "{\"v\":3}");
		StepVerifier.create(store.upsertIfNewer(List.of(VersionedRecord.of("a", 1, "{\"v\":1}"), newest,
				VersionedRecord.of("b", 1, "{}"), VersionedRecord.of("a", 2, "{\"v\":2}"))))
			.expectNext(2)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(store.find("a")).expectNext(newest).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.upsertIfNewer(List.of(VersionedRecord.of("a", 4, "{}"), VersionedRecord.of("b", 1,
				"{}"), VersionedRecord.of("c", 1, "{}"))))
			.expectNext(2)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void batchSpanningSeveralStatementsIsWrittenInOneTransaction() {
		SqlRecordStore store = store(7);
		List<VersionedRecord> batch = records("r", 50, 1);
		StepVerifier.create(store.upsertIfNewer(batch)).expectNext(50).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.findMany(batch.stream().map(VersionedRecord::name).toList()).count())
			.expectNext(50L)
			.expectComplete()
			.verify(TIMEOUT);

		// A row the database refuses, in the last statement of a batch, takes the whole batch back.
		DatabaseClient.create(connectionFactory())
			.sql("ALTER TABLE " + this.schema.tables().record()
					+ " ADD CONSTRAINT no_poison CHECK (name <> 'zz-poison')")
			.then()
			.block(TIMEOUT);
		List<VersionedRecord> poisoned = new ArrayList<>(records("r", 50, 2));
		poisoned.add(VersionedRecord.of("zz-poison", 1, "{}"));
		StepVerifier.create(store.upsertIfNewer(poisoned))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ConnectorException.class)
				.hasMessageStartingWith("sql: writing 51 records failed"))
			.verify(TIMEOUT);
		StepVerifier.create(store.scan("r").map(VersionedRecord::version).distinct())
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void expiryIsJudgedToTheNanosecondAndExpiresAtReadsBackExactly() {
		SqlRecordStore store = store(500);
		// Nine nines would round into the next second if the database were handed the nanoseconds.
		Instant expiresAt = NOW.plusSeconds(10).plusNanos(999_999_999);
		VersionedRecord expiring = new VersionedRecord("expiring", 1, "{}".getBytes(), false, expiresAt);
		store.upsertIfNewer(List.of(expiring)).block(TIMEOUT);
		StepVerifier.create(store.find("expiring")).expectNext(expiring).expectComplete().verify(TIMEOUT);
		this.clock.advance(Duration.ofSeconds(10));
		StepVerifier.create(store.scan("exp")).expectNext(expiring).expectComplete().verify(TIMEOUT);
		// One nanosecond before: still there, although both instants share their microsecond.
		this.clock.advance(Duration.ofNanos(999_999_998));
		StepVerifier.create(store.scan("exp")).expectNext(expiring).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.findExpired(this.clock.instant(), 10)).expectComplete().verify(TIMEOUT);
		this.clock.advance(Duration.ofNanos(1));
		StepVerifier.create(store.scan("exp")).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.findExpired(this.clock.instant(), 10)).expectNext(expiring).expectComplete()
			.verify(TIMEOUT);
		// Expired, it is still found with its version, until a tombstone replaces it.
		StepVerifier.create(store.find("expiring")).expectNext(expiring).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.findMany(List.of("expiring"))).expectNext(expiring).expectComplete().verify(TIMEOUT);
	}

	@Test
	void findManyReadsManyMoreNamesThanOneQueryHolds() {
		SqlRecordStore store = store(500);
		List<VersionedRecord> batch = records("m", 2_500, 1);
		StepVerifier.create(store.upsertIfNewer(batch)).expectNext(2_500).expectComplete().verify(TIMEOUT);
		List<String> names = new ArrayList<>(batch.stream().map(VersionedRecord::name).toList());
		names.add("m-missing");
		names.add(names.get(0));
		StepVerifier.create(store.findMany(names).map(VersionedRecord::name).collectList())
			.assertNext((found) -> assertThat(found).hasSize(2_500).doesNotHaveDuplicates())
			.expectComplete()
			.verify(TIMEOUT);
	}

	private static List<VersionedRecord> records(String prefix, int count, long version) {
		List<VersionedRecord> records = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			records.add(VersionedRecord.of(prefix + String.format("%05d", i), version,
					"{\"i\":" + i + ",\"text\":\"some realistic payload of a few dozen bytes\"}"));
		}
		return records;
	}

}
