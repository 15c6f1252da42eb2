package io.sluice.connector.sql;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.r2dbc.core.DatabaseClient;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamPosition;
import io.sluice.connector.tck.SettableClock;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link SqlStreamHistory} promises beyond the port, run against each database by a subclass.
 */
abstract class SqlStreamHistoryBehaviour {

	private static final Retention KEEP_ALL = Retention.entries(1_000_000);

	private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00.123456789Z"));

	private SqlSchema schema;

	protected abstract ConnectionFactory connectionFactory();

	/** Another pool of connections to the same database, as a second process would have. */
	protected abstract ConnectionPool secondConnectionFactory();

	@BeforeEach
	void createSchema() {
		this.schema = TestDatabases.freshSchema(connectionFactory());
	}

	@Test
	void appendsThroughSeparatePoolsShareOneSequence() {
		SqlStreamHistory first = new SqlStreamHistory(this.schema);
		ConnectionPool pool = secondConnectionFactory();
		try {
			SqlStreamHistory second = new SqlStreamHistory(new SqlSchema(pool, this.schema.tables().prefix()));
			Set<Long> offsets = ConcurrentHashMap.newKeySet();
			StepVerifier.create(Flux.range(0, 200)
				.flatMap((i) -> ((i % 2 == 0) ? first : second).append("shared", new byte[] { i.byteValue() },
						KEEP_ALL), 16)
				.doOnNext((entry) -> offsets.add(entry.offset()))
				.then())
				.expectComplete()
				.verify(TIMEOUT);
			assertThat(new TreeSet<>(offsets))
				.containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
		}
		finally {
			pool.disposeLater().block(TIMEOUT);
		}
	}

	@Test
	void appendThatFailsLeavesNoGap() {
		SqlStreamHistory history = new SqlStreamHistory(this.schema, this.clock);
		DatabaseClient.create(connectionFactory())
			.sql("ALTER TABLE " + this.schema.tables().entry()
					+ " ADD CONSTRAINT small CHECK (OCTET_LENGTH(payload) < 10)")
			.then()
			.block(TIMEOUT);
		history.append("s", new byte[] { 1 }, KEEP_ALL).block(TIMEOUT);
		StepVerifier.create(history.append("s", new byte[100], KEEP_ALL))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ConnectorException.class)
				.hasMessageContaining("appending to stream 's'"))
			.verify(TIMEOUT);
		StepVerifier.create(history.append("s", new byte[] { 2 }, KEEP_ALL).map(HistoryEntry::offset))
			.expectNext(2L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void retentionByAgeDropsOlderEntriesAndKeepsOffsets() {
		SqlStreamHistory history = new SqlStreamHistory(this.schema, this.clock);
		for (int i = 0; i < 3; i++) {
			history.append("aged", new byte[] { (byte) i }, KEEP_ALL).block(TIMEOUT);
		}
		this.clock.advance(Duration.ofMinutes(2));
		HistoryEntry kept = history.append("aged", new byte[] { 9 }, new Retention(100, Duration.ofMinutes(1)))
			.block(TIMEOUT);
		StepVerifier.create(history.from("aged", 1, 100)).expectNext(kept).expectComplete().verify(TIMEOUT);
		assertThat(kept.offset()).isEqualTo(4);
		assertThat(kept.timestamp()).isEqualTo(Instant.parse("2030-01-01T00:02:00.123456Z"));
	}

	@Test
	void sinceIsExactBelowTheMicrosecond() {
		SqlStreamHistory history = new SqlStreamHistory(this.schema, this.clock);
		HistoryEntry first = history.append("t", new byte[] { 1 }, KEEP_ALL).block(TIMEOUT);
		this.clock.advance(Duration.ofNanos(1_000));
		HistoryEntry second = history.append("t", new byte[] { 2 }, KEEP_ALL).block(TIMEOUT);
		assertThat(first.timestamp()).isEqualTo(Instant.parse("2030-01-01T00:00:00.123456Z"));
		StepVerifier.create(history.since("t", first.timestamp(), 10)).expectNext(first, second).expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(history.since("t", first.timestamp().plusNanos(1), 10)).expectNext(second)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(history.since("t", second.timestamp().plusNanos(999), 10)).expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void epochIsChosenOnceWithTheStreamAndDiffersBetweenStreams() {
		SqlStreamHistory history = new SqlStreamHistory(this.schema, this.clock);
		StreamPosition before = history.position("e").block(TIMEOUT);
		HistoryEntry first = history.append("e", new byte[] { 1 }, KEEP_ALL).block(TIMEOUT);
		HistoryEntry other = history.append("f", new byte[] { 1 }, KEEP_ALL).block(TIMEOUT);
		assertThat(before.offset()).isZero();
		assertThat(first.epoch()).isEqualTo(before.epoch());
		assertThat(other.epoch()).isNotEqualTo(first.epoch());
		StepVerifier.create(new SqlStreamHistory(this.schema).position("e"))
			.expectNext(new StreamPosition(before.epoch(), 1))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void readsOfAStreamNeverAppendedToAreEmpty() {
		SqlStreamHistory history = new SqlStreamHistory(this.schema, this.clock);
		StepVerifier.create(Flux.concat(history.last("none", 5), history.from("none", 1, 5),
				history.range("none", 1, 5), history.since("none", Instant.EPOCH, 5)))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(List.of(history.last("none", 0), history.from("none", 1, 0)))
			.allSatisfy((flux) -> StepVerifier.create(flux).expectComplete().verify(TIMEOUT));
	}

}
