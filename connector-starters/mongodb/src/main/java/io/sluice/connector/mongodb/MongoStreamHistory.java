package io.sluice.connector.mongodb;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.data.mongodb.core.ReactiveMongoOperations;

import io.sluice.connector.AbstractStreamHistory;
import io.sluice.connector.ConnectorException;
import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.StreamPosition;

/**
 * A cold {@link StreamHistory} in two MongoDB collections: heads {@code {_id: stream, epoch, last}} and entries
 * {@code {stream, offset, epoch, ts, payload}} with a unique index on {@code (stream, offset)}.
 *
 * <p>Besides the guarantees of the port:
 * <ul>
 * <li><b>The insert is the allocation.</b> An append reads the stream's highest offset and inserts its entry at
 * the next one; the unique index lets exactly one of several concurrent appenders (in any number of processes)
 * have an offset, and the others read again and try the next. An offset therefore exists only once its entry is
 * stored: a failed append leaves no gap, without transactions (which MongoDB allows only on replica sets). A
 * counter advanced with {@code $inc} before the insert would leave a gap whenever the insert then failed. The
 * cost is contention: appenders racing on one stream retry (each retry one indexed read and one insert), up to
 * {@value #MAX_ATTEMPTS} times before the append fails.</li>
 * <li><b>Heads.</b> A stream's head holds its epoch, a random id chosen when the head is created (by the first
 * append or {@link #position}), and {@code last}, raised with {@code $max} after each append so that offsets are
 * not reused within an epoch even if the entries were dropped. Each entry also keeps the epoch it was appended
 * under.</li>
 * <li><b>Timestamps</b> are whole milliseconds (BSON dates), from this process's clock but never earlier than
 * the previous entry's, so they do not decrease along offsets even across processes whose clocks differ.</li>
 * <li><b>Retention</b> is applied by each append after its insert, deleting by count and by age (against the
 * appended entry's timestamp) in one {@code deleteMany}; the appended entry itself is never deleted.</li>
 * </ul>
 * It is also the cold tier behind a hot history ({@link #archive()}): {@link StreamArchive#store} keeps entries with
 * the offsets, epochs and times they were given. Every failure is a {@link ConnectorException}.
 */
public final class MongoStreamHistory extends AbstractStreamHistory {

	static final String ID = "_id";

	static final String EPOCH = "epoch";

	static final String LAST = "last";

	static final String STREAM = "stream";

	static final String OFFSET = "offset";

	static final String TIMESTAMP = "ts";

	static final String PAYLOAD = "payload";

	static final String OFFSET_INDEX = "sluice_stream_offset";

	static final String TIMESTAMP_INDEX = "sluice_stream_ts";

	static final int MAX_ATTEMPTS = 1_000;

	// Retried at once: the loser of a race learns the new highest offset by reading it, so waiting gains nothing.
	private static final Retry LOST_RACE = Retry.max(MAX_ATTEMPTS - 1)
		.filter(MongoStreamHistory::lostRace)
		.onRetryExhaustedThrow((spec, signal) -> new ConnectorException(MongoFailures.CONNECTOR,
				"Gave up appending after " + MAX_ATTEMPTS + " concurrent appends took each offset first",
				signal.failure()));

	private final MongoCollections collections;

	private final String heads;

	private final String entries;

	private final Clock clock;

	/** A history in the collections {@code heads} and {@code entries}, stamping entries with {@code clock}. */
	public MongoStreamHistory(ReactiveMongoOperations operations, String heads, String entries, Clock clock) {
		this.collections = new MongoCollections(operations);
		MongoCollections.checkName("heads", heads);
		MongoCollections.checkName("entries", entries);
		this.heads = heads;
		this.entries = entries;
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	/** A history in the collections {@code heads} and {@code entries}, stamping entries with the system clock. */
	public MongoStreamHistory(ReactiveMongoOperations operations, String heads, String entries) {
		this(operations, heads, entries, Clock.systemUTC());
	}

	/**
	 * Creates the unique index on {@code (stream, offset)}, which gapless offsets rely on, and the index on
	 * {@code (stream, ts)} for {@link #since} and trimming by age; harmless when they exist.
	 */
	public Mono<Void> createIndexes() {
		return this.collections.with(this.entries,
				(collection) -> Mono.from(collection.createIndex(Indexes.ascending(STREAM, OFFSET),
						new IndexOptions().name(OFFSET_INDEX).unique(true)))
					.then(Mono.from(collection.createIndex(Indexes.ascending(STREAM, TIMESTAMP),
							new IndexOptions().name(TIMESTAMP_INDEX))))
					.then(),
				"creating the indexes of collection '" + this.entries + "'");
	}

	/** The collection holding the entries. */
	String entriesCollection() {
		return this.entries;
	}

	@Override
	public Mono<HistoryEntry> append(String stream, byte[] payload, Retention retention) {
		Objects.requireNonNull(stream, "stream");
		Objects.requireNonNull(payload, "payload");
		Objects.requireNonNull(retention, "retention");
		String what = "appending to stream '" + stream + "'";
		return head(stream, what)
			.flatMap((head) -> Mono.defer(() -> insertNext(stream, head, payload, what)).retryWhen(LOST_RACE))
			.flatMap((entry) -> advanceHead(entry, what).then(trim(entry, retention, what)).thenReturn(entry));
	}

	/** Inserts {@code payload} at the offset after the highest stored one; fails with a duplicate key if beaten. */
	private Mono<HistoryEntry> insertNext(String stream, StreamPosition head, byte[] payload, String what) {
		return this.collections.with(this.entries, (collection) -> Mono
			.from(collection.find(Filters.eq(STREAM, stream))
				.sort(Sorts.descending(OFFSET))
				.projection(Projections.include(OFFSET, TIMESTAMP))
				.first())
			.map(Document.class::cast)
			.defaultIfEmpty(new Document())
			.flatMap((highest) -> {
				Number stored = highest.get(OFFSET, Number.class);
				long offset = Math.max(head.offset(), (stored != null) ? stored.longValue() : 0) + 1;
				Instant now = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
				Date previous = highest.getDate(TIMESTAMP);
				Instant timestamp = (previous != null && previous.toInstant().isAfter(now)) ? previous.toInstant()
						: now;
				Document entry = new Document(STREAM, stream).append(OFFSET, offset)
					.append(EPOCH, head.epoch())
					.append(TIMESTAMP, Date.from(timestamp))
					.append(PAYLOAD, new Binary(payload));
				return Mono.from(collection.insertOne(entry))
					.thenReturn(new HistoryEntry(stream, offset, head.epoch(), timestamp, payload));
			}), what);
	}

	private Mono<Void> advanceHead(HistoryEntry entry, String what) {
		return this.collections.with(this.heads, (collection) -> Mono
			.from(collection.updateOne(Filters.eq(ID, entry.stream()), Updates.max(LAST, entry.offset()))), what)
			.then();
	}

	private Mono<Void> trim(HistoryEntry entry, Retention retention, String what) {
		List<Bson> beyond = new ArrayList<>(2);
		if (entry.offset() > retention.maxEntries()) {
			beyond.add(Filters.lte(OFFSET, entry.offset() - retention.maxEntries()));
		}
		if (retention.maxAge() != null) {
			beyond.add(Filters.lt(TIMESTAMP, Date.from(entry.timestamp().minus(retention.maxAge()))));
		}
		if (beyond.isEmpty()) {
			return Mono.empty();
		}
		Bson filter = Filters.and(Filters.eq(STREAM, entry.stream()), Filters.lt(OFFSET, entry.offset()),
				(beyond.size() == 1) ? beyond.get(0) : Filters.or(beyond));
		return this.collections.with(this.entries, (collection) -> Mono.from(collection.deleteMany(filter)), what)
			.then();
	}

	/** The stream's head, created with a fresh epoch if it has none yet. */
	private Mono<StreamPosition> head(String stream, String what) {
		Mono<StreamPosition> existing = this.collections
			.with(this.heads, (collection) -> Mono.from(collection.find(Filters.eq(ID, stream)).first()), what)
			.map(MongoStreamHistory::toPosition);
		FindOneAndUpdateOptions create = new FindOneAndUpdateOptions().upsert(true)
			.returnDocument(ReturnDocument.AFTER);
		// Two first appends may race to insert the head: the loser's upsert fails with a duplicate key, and its
		// retry finds the winner's head.
		Mono<StreamPosition> created = Mono
			.defer(() -> this.collections.with(this.heads,
					(collection) -> Mono.from(collection.findOneAndUpdate(Filters.eq(ID, stream),
							Updates.combine(Updates.setOnInsert(EPOCH, UUID.randomUUID().toString()),
									Updates.setOnInsert(LAST, 0L)),
							create)),
					what))
			.retryWhen(Retry.max(1).filter(MongoStreamHistory::lostRace))
			.map(MongoStreamHistory::toPosition);
		return existing.switchIfEmpty(created);
	}

	/** This history as the cold tier of a hot one. */
	public StreamArchive archive() {
		return StreamArchive.of(this, this::store);
	}

	/**
	 * Stores entries appended elsewhere: the head is created with the entries' epoch if there is none, and a head of
	 * another epoch starts over under theirs (its entries deleted); offsets already stored are skipped; the head's
	 * last offset rises to the highest stored; then the stream is trimmed against the newest entry. One stream is
	 * stored by one caller at a time (the storage worker drains a stream's partition in order), so no transaction.
	 */
	private Mono<Void> store(String stream, List<HistoryEntry> given, Retention retention) {
		List<HistoryEntry> entries = toStore(stream, given, retention);
		if (entries.isEmpty()) {
			return Mono.empty();
		}
		String what = "storing into stream '" + stream + "'";
		String epoch = entries.get(0).epoch();
		HistoryEntry newest = entries.get(entries.size() - 1);
		long highest = entries.stream().mapToLong(HistoryEntry::offset).max().orElse(0);
		FindOneAndUpdateOptions create = new FindOneAndUpdateOptions().upsert(true)
			.returnDocument(ReturnDocument.AFTER);
		Mono<Document> head = this.collections.with(this.heads,
				(collection) -> Mono.from(collection.findOneAndUpdate(Filters.eq(ID, stream),
						Updates.combine(Updates.setOnInsert(EPOCH, epoch), Updates.setOnInsert(LAST, 0L)), create)),
				what);
		Mono<Void> startOver = this.collections
			.with(this.entries, (collection) -> Mono.from(collection.deleteMany(Filters.eq(STREAM, stream))), what)
			.then(this.collections.with(this.heads, (collection) -> Mono.from(collection
				.updateOne(Filters.eq(ID, stream), Updates.combine(Updates.set(EPOCH, epoch), Updates.set(LAST, 0L)))),
					what))
			.then();
		Mono<Set<Long>> stored = this.collections.withMany(this.entries,
				(collection) -> Flux.from(collection
					.find(Filters.and(Filters.eq(STREAM, stream), Filters.gte(OFFSET, entries.get(0).offset()),
							Filters.lte(OFFSET, highest)))
					.projection(Projections.include(OFFSET))),
				what)
			.map((document) -> document.get(OFFSET, Number.class).longValue())
			.collect(Collectors.toSet());
		return head.flatMap((held) -> epoch.equals(held.getString(EPOCH)) ? Mono.<Void>empty() : startOver)
			.then(stored)
			.flatMap((offsets) -> {
				List<Document> missing = new ArrayList<>();
				for (HistoryEntry entry : entries) {
					if (!offsets.contains(entry.offset())) {
						missing.add(new Document(STREAM, stream).append(OFFSET, entry.offset())
							.append(EPOCH, epoch)
							.append(TIMESTAMP, Date.from(entry.timestamp()))
							.append(PAYLOAD, new Binary(entry.payload())));
					}
				}
				return missing.isEmpty() ? Mono.empty()
						: this.collections.with(this.entries, (collection) -> Mono.from(collection.insertMany(missing)),
								what).then();
			})
			.then(this.collections.with(this.heads,
					(collection) -> Mono.from(collection.updateOne(Filters.eq(ID, stream), Updates.max(LAST, highest))),
					what))
			.then(trim(newest, retention, what));
	}

	@Override
	protected Flux<HistoryEntry> readLast(String stream, int count) {
		return this.collections
			.with(this.entries,
					(collection) -> Flux
						.from(collection.find(Filters.eq(STREAM, stream)).sort(Sorts.descending(OFFSET)).limit(count))
						.collectList(),
					"reading stream '" + stream + "'")
			.flatMapIterable((newestFirst) -> {
				List<HistoryEntry> oldestFirst = new ArrayList<>(newestFirst.size());
				for (Document document : newestFirst) {
					oldestFirst.add(toEntry(document));
				}
				Collections.reverse(oldestFirst);
				return oldestFirst;
			});
	}

	@Override
	protected Flux<HistoryEntry> readFrom(String stream, long offset, int limit) {
		return read(stream, Filters.gte(OFFSET, offset), limit);
	}

	@Override
	protected Flux<HistoryEntry> readRange(String stream, long fromOffset, long toOffset) {
		return read(stream, Filters.and(Filters.gte(OFFSET, fromOffset), Filters.lte(OFFSET, toOffset)), 0);
	}

	@Override
	protected Flux<HistoryEntry> readSince(String stream, Instant time, int limit) {
		// Timestamps are whole milliseconds, so "at or after time" is "at or after time rounded up to one".
		return read(stream, Filters.gte(TIMESTAMP, Date.from(roundedUp(time, ChronoUnit.MILLIS))), limit);
	}

	/** Entries of {@code stream} matching {@code condition}, by offset, at most {@code limit} (0 for all). */
	private Flux<HistoryEntry> read(String stream, Bson condition, int limit) {
		return this.collections
			.withMany(this.entries,
					(collection) -> Flux.from(collection.find(Filters.and(Filters.eq(STREAM, stream), condition))
						.sort(Sorts.ascending(OFFSET))
						.limit(limit)),
					"reading stream '" + stream + "'")
			.map(MongoStreamHistory::toEntry);
	}

	@Override
	public Mono<StreamPosition> position(String stream) {
		Objects.requireNonNull(stream, "stream");
		String what = "reading the position of stream '" + stream + "'";
		// The highest entry counts too: an append that inserted its entry but has not raised the head yet has
		// still appended.
		return head(stream, what).flatMap((head) -> this.collections.with(this.entries,
				(collection) -> Mono.from(collection.find(Filters.eq(STREAM, stream))
					.sort(Sorts.descending(OFFSET))
					.projection(Projections.include(OFFSET))
					.first()),
				what)
			.map((highest) -> new StreamPosition(head.epoch(),
					Math.max(head.offset(), highest.get(OFFSET, Number.class).longValue())))
			.defaultIfEmpty(head));
	}

	private static boolean lostRace(Throwable ex) {
		return ex instanceof ConnectorException && ex.getCause() != null && MongoFailures.isDuplicateKey(ex.getCause());
	}

	private static StreamPosition toPosition(Document head) {
		Number last = head.get(LAST, Number.class);
		return new StreamPosition(head.getString(EPOCH), (last != null) ? last.longValue() : 0);
	}

	static HistoryEntry toEntry(Document document) {
		Object payload = document.get(PAYLOAD);
		byte[] bytes = (payload instanceof Binary binary) ? binary.getData() : (byte[]) payload;
		return new HistoryEntry(document.getString(STREAM), document.get(OFFSET, Number.class).longValue(),
				document.getString(EPOCH), document.getDate(TIMESTAMP).toInstant(), bytes);
	}

}
