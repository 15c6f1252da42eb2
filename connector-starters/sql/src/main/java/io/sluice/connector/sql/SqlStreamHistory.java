package io.sluice.connector.sql;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.stream.Collectors;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

import io.sluice.connector.AbstractStreamHistory;
import io.sluice.connector.ConnectorException;
import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.StreamPosition;

/**
 * A cold {@link StreamHistory} in two SQL tables, on PostgreSQL or H2: one head row per stream (its epoch and last
 * offset) and one row per retained entry.
 *
 * <p>Besides the guarantees of the port:
 * <ul>
 * <li><b>Atomic append.</b> An append advances the stream's head, inserts the entry and trims the stream in one
 * transaction. Advancing the head locks its row until the commit, so concurrent appends to one stream (from any
 * number of processes) take turns and get consecutive offsets; an append that fails leaves no gap, because its
 * offset is rolled back with it.</li>
 * <li><b>Epochs.</b> A stream's epoch is a random id chosen when its head is created (by its first append or its
 * first {@link #position}); it changes only if the head row is lost.</li>
 * <li><b>Retention</b> is applied when appending: entries beyond the count, or older than the age, are deleted
 * in the appending transaction.</li>
 * <li><b>Timestamps</b> are this process's clock at microsecond precision, the finest both databases keep, so an
 * entry reads back equal to what {@link #append} returned.</li>
 * </ul>
 * It is also the cold tier behind a hot history ({@link #archive()}): {@link StreamArchive#store} keeps entries with
 * the offsets, epochs and times they were given, under the head's lock.
 * The schema must have been {@linkplain SqlSchema#create() created} first.
 */
public final class SqlStreamHistory extends AbstractStreamHistory {

	/** The most entries one statement inserts: 400 parameters. */
	static final int ROWS_PER_INSERT = 100;

	private final SqlOperations operations;

	private final SqlDialect dialect;

	private final SqlTables tables;

	private final Clock clock;

	private final String entries;

	/** The INSERT of n entries at n - 1, made when first needed. */
	private final String[] inserts = new String[ROWS_PER_INSERT];

	/** A history stamping entries with {@code clock}. */
	public SqlStreamHistory(SqlSchema schema, Clock clock) {
		this.operations = new SqlOperations(schema);
		this.dialect = schema.dialect();
		this.tables = schema.tables();
		this.clock = Objects.requireNonNull(clock, "clock");
		this.entries = "SELECT e.entry_offset, e.ts, e.payload, h.epoch FROM " + this.tables.entry() + " e JOIN "
				+ this.tables.stream() + " h ON h.stream = e.stream WHERE e.stream = $1 ";
	}

	/** A history stamping entries with the system clock. */
	public SqlStreamHistory(SqlSchema schema) {
		this(schema, Clock.systemUTC());
	}

	@Override
	public Mono<HistoryEntry> append(String stream, byte[] payload, Retention retention) {
		Objects.requireNonNull(stream, "stream");
		Objects.requireNonNull(payload, "payload");
		Objects.requireNonNull(retention, "retention");
		return this.operations.inTransaction((client) -> advanceHead(client, stream).flatMap((head) -> {
			// Read while holding the head's lock, so that timestamps rise with offsets (given one clock).
			Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
			return client
				.sql("INSERT INTO " + this.tables.entry()
						+ " (stream, entry_offset, ts, payload) VALUES ($1, $2, $3, $4)")
				.bind(0, stream)
				.bind(1, head.offset())
				.bind(2, now)
				.bind(3, payload)
				.then()
				.then(trim(client, stream, head.offset(), retention, now))
				.thenReturn(new HistoryEntry(stream, head.offset(), head.epoch(), now, payload));
		}), "appending to stream '" + stream + "'");
	}

	private Mono<StreamPosition> advanceHead(DatabaseClient client, String stream) {
		Mono<StreamPosition> advance = client.sql(this.dialect.advanceHead(this.tables))
			.bind(0, stream)
			.map(SqlStreamHistory::toPosition)
			.one();
		return advance.switchIfEmpty(Mono.defer(() -> createHead(client, stream).then(advance)))
			.switchIfEmpty(Mono.error(() -> new ConnectorException("sql", "The head of stream '" + stream
					+ "' vanished while appending")));
	}

	private Mono<Void> createHead(DatabaseClient client, String stream) {
		return createHead(client, stream, UUID.randomUUID().toString());
	}

	private Mono<Void> trim(DatabaseClient client, String stream, long offset, Retention retention, Instant now) {
		Mono<Void> byCount = (offset > retention.maxEntries()) ? client
			.sql("DELETE FROM " + this.tables.entry() + " WHERE stream = $1 AND entry_offset <= $2")
			.bind(0, stream)
			.bind(1, offset - retention.maxEntries())
			.then() : Mono.empty();
		Mono<Void> byAge = (retention.maxAge() != null) ? client
			.sql("DELETE FROM " + this.tables.entry() + " WHERE stream = $1 AND ts < $2")
			.bind(0, stream)
			.bind(1, now.minus(retention.maxAge()))
			.then() : Mono.empty();
		return byCount.then(byAge);
	}

	/** This history as the cold tier of a hot one. */
	public StreamArchive archive() {
		return StreamArchive.of(this, this::store);
	}

	/**
	 * Stores entries appended elsewhere, in one transaction holding the head's lock: the head is created with the
	 * entries' epoch if there is none, and a head of another epoch starts over under theirs (its entries deleted);
	 * offsets already stored are skipped; the head's last offset rises to the highest stored; then the stream is
	 * trimmed, by age from the newest entry's time.
	 */
	private Mono<Void> store(String stream, List<HistoryEntry> given, Retention retention) {
		List<HistoryEntry> entries = toStore(stream, given, retention);
		if (entries.isEmpty()) {
			return Mono.empty();
		}
		String epoch = entries.get(0).epoch();
		long highest = entries.stream().mapToLong(HistoryEntry::offset).max().orElse(0);
		Instant newest = entries.get(entries.size() - 1).timestamp();
		return this.operations.inTransaction((client) -> createHead(client, stream, epoch)
			.then(client.sql("SELECT epoch FROM " + this.tables.stream() + " WHERE stream = $1 FOR UPDATE")
				.bind(0, stream)
				.map((row) -> row.get("epoch", String.class))
				.one())
			.flatMap((held) -> held.equals(epoch) ? Mono.empty() : startOver(client, stream, epoch))
			.then(client.sql("SELECT entry_offset FROM " + this.tables.entry()
					+ " WHERE stream = $1 AND entry_offset BETWEEN $2 AND $3")
				.bind(0, stream)
				.bind(1, entries.get(0).offset())
				.bind(2, highest)
				.map((row) -> row.get("entry_offset", Long.class))
				.all()
				.collect(Collectors.toSet()))
			.flatMapMany((stored) -> Flux.fromIterable(chunks(entries.stream()
				.filter((entry) -> !stored.contains(entry.offset()))
				.toList())))
			.concatMap((chunk) -> insert(client, stream, chunk))
			.then(client.sql("UPDATE " + this.tables.stream()
					+ " SET last_offset = GREATEST(last_offset, $2) WHERE stream = $1")
				.bind(0, stream)
				.bind(1, highest)
				.then())
			.then(trim(client, stream, highest, retention, newest)), "storing into stream '" + stream + "'");
	}

	/** Up to {@link #ROWS_PER_INSERT} entries in one statement: one round trip, not one per entry. */
	private Mono<Void> insert(DatabaseClient client, String stream, List<HistoryEntry> chunk) {
		DatabaseClient.GenericExecuteSpec insert = client.sql(insertSql(chunk.size()));
		int index = 0;
		for (HistoryEntry entry : chunk) {
			insert = insert.bind(index++, stream)
				.bind(index++, entry.offset())
				.bind(index++, entry.timestamp())
				.bind(index++, entry.payload());
		}
		return insert.then();
	}

	private String insertSql(int rows) {
		String sql = this.inserts[rows - 1];
		if (sql == null) {
			StringJoiner values = new StringJoiner(", ");
			for (int row = 0; row < rows; row++) {
				int first = row * 4 + 1;
				values.add("($" + first + ", $" + (first + 1) + ", $" + (first + 2) + ", $" + (first + 3) + ")");
			}
			sql = "INSERT INTO " + this.tables.entry() + " (stream, entry_offset, ts, payload) VALUES " + values;
			this.inserts[rows - 1] = sql;
		}
		return sql;
	}

	private static List<List<HistoryEntry>> chunks(List<HistoryEntry> entries) {
		List<List<HistoryEntry>> chunks = new ArrayList<>((entries.size() + ROWS_PER_INSERT - 1) / ROWS_PER_INSERT);
		for (int from = 0; from < entries.size(); from += ROWS_PER_INSERT) {
			chunks.add(entries.subList(from, Math.min(entries.size(), from + ROWS_PER_INSERT)));
		}
		return chunks;
	}

	private Mono<Void> createHead(DatabaseClient client, String stream, String epoch) {
		return client.sql(this.dialect.createHeadIfAbsent(this.tables)).bind(0, stream).bind(1, epoch).then();
	}

	private Mono<Void> startOver(DatabaseClient client, String stream, String epoch) {
		return client.sql("DELETE FROM " + this.tables.entry() + " WHERE stream = $1")
			.bind(0, stream)
			.then()
			.then(client.sql("UPDATE " + this.tables.stream() + " SET epoch = $2, last_offset = 0 WHERE stream = $1")
				.bind(0, stream)
				.bind(1, epoch)
				.then());
	}

	@Override
	protected Flux<HistoryEntry> readLast(String stream, int count) {
		Mono<List<HistoryEntry>> newestFirst = Mono.defer(() -> this.operations.client()
			.sql(this.entries + "ORDER BY e.entry_offset DESC LIMIT $2")
			.bind(0, stream)
			.bind(1, count)
			.map((row) -> toEntry(stream, row))
			.all()
			.collectList());
		return this.operations.run(newestFirst, "reading stream '" + stream + "'").flatMapIterable((list) -> {
			Collections.reverse(list);
			return list;
		});
	}

	@Override
	protected Flux<HistoryEntry> readFrom(String stream, long offset, int limit) {
		return read(stream, "AND e.entry_offset >= $2 ORDER BY e.entry_offset LIMIT $3", offset, limit);
	}

	@Override
	protected Flux<HistoryEntry> readRange(String stream, long fromOffset, long toOffset) {
		return read(stream, "AND e.entry_offset BETWEEN $2 AND $3 ORDER BY e.entry_offset", fromOffset, toOffset);
	}

	@Override
	protected Flux<HistoryEntry> readSince(String stream, Instant time, int limit) {
		// Timestamps are whole microseconds, so "at or after time" is "at or after time rounded up to one"; bound
		// that way, PostgreSQL's rounding of the parameter cannot let in an entry from just before.
		return read(stream, "AND e.ts >= $2 ORDER BY e.entry_offset LIMIT $3", roundedUp(time, ChronoUnit.MICROS),
				limit);
	}

	private Flux<HistoryEntry> read(String stream, String condition, Object second, Object third) {
		Flux<HistoryEntry> read = Flux.defer(() -> this.operations.client()
			.sql(this.entries + condition)
			.bind(0, stream)
			.bind(1, second)
			.bind(2, third)
			.map((row) -> toEntry(stream, row))
			.all());
		return this.operations.run(read, "reading stream '" + stream + "'");
	}

	@Override
	public Mono<StreamPosition> position(String stream) {
		Objects.requireNonNull(stream, "stream");
		// A stream nobody appended to yet gets its head (and so its epoch) now: a reader who is told
		// {epoch, 0} must find the same epoch after the first append.
		return this.operations.inTransaction((client) -> {
			Mono<StreamPosition> head = client.sql("SELECT epoch, last_offset FROM " + this.tables.stream()
					+ " WHERE stream = $1")
				.bind(0, stream)
				.map(SqlStreamHistory::toPosition)
				.one();
			return head.switchIfEmpty(Mono.defer(() -> createHead(client, stream).then(head)));
		}, "reading the position of stream '" + stream + "'");
	}

	private static StreamPosition toPosition(Readable row) {
		Long offset = row.get("last_offset", Long.class);
		return new StreamPosition(row.get("epoch", String.class), (offset != null) ? offset : 0);
	}

	private static HistoryEntry toEntry(String stream, Readable row) {
		Long offset = row.get("entry_offset", Long.class);
		return new HistoryEntry(stream, (offset != null) ? offset : 0, row.get("epoch", String.class),
				row.get("ts", Instant.class), row.get("payload", byte[].class));
	}

}
