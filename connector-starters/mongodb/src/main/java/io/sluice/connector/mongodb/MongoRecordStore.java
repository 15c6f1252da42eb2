package io.sluice.connector.mongodb;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoCollection;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.mongodb.core.ReactiveMongoOperations;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/**
 * A {@link RecordStore} in one MongoDB collection, one document per record:
 * {@code {_id: name, v: version, d: BinData (the exact bytes), del: tombstone?, exp: Date or null, expNanos}}.
 *
 * <p>Besides the guarantees of the port:
 * <ul>
 * <li><b>One round trip per batch.</b> {@link #upsertIfNewer} keeps the highest version of each name, then sends
 * one unordered {@code bulkWrite} of {@code updateOne({_id: name, v: {$lt: version}}, {$set: ...}, upsert)}. The
 * version guard is the filter, evaluated by the server on the document, so concurrent writers (in any number of
 * processes) never move a version backwards. When the stored version is newer or equal the filter matches
 * nothing and the upsert's insert meets the existing {@code _id}: that duplicate-key answer (E11000) means "not
 * written", not a failure. Two first writes of one name can also race on that insert, so the records that met a
 * duplicate key are sent once more, when the document certainly exists and the filter decides.</li>
 * <li><b>Counting.</b> The count is what the server reports as matched (an older version replaced) plus
 * inserted; writes are always acknowledged for that reason, even under an unacknowledged default.</li>
 * <li><b>Expiry.</b> {@code exp} is a BSON date, whole milliseconds; {@code expNanos} keeps the rest, so
 * {@code expiresAt} reads back unchanged, and queries on {@code exp} are checked again exactly in this process. An
 * expired record is kept (it guards its version) until a newer version replaces it, so there is no TTL index:
 * MongoDB deleting the document would let the record come back at a lower version. {@link #createIndexes()}
 * drops the TTL index that earlier versions created, and indexes {@code exp} for {@link #findExpired}.</li>
 * <li><b>Scan</b> matches names with an anchored regular expression in which every character but ASCII letters
 * and digits is escaped, so the prefix is taken literally, and sorts by {@code _id}: by UTF-8 bytes, which is
 * code-point order.</li>
 * </ul>
 * Every failure is a {@link io.sluice.connector.ConnectorException}.
 */
public final class MongoRecordStore implements RecordStore {

	static final String ID = "_id";

	static final String VERSION = "v";

	static final String DATA = "d";

	static final String DELETED = "del";

	static final String EXPIRES = "exp";

	static final String EXPIRES_NANOS = "expNanos";

	/** The TTL index earlier versions created on {@code exp}: dropped, see the class comment. */
	static final String TTL_INDEX = "sluice_exp_ttl";

	static final String EXPIRY_INDEX = "sluice_exp";

	/** MongoDB's code for an index that does not exist. */
	private static final int INDEX_NOT_FOUND = 27;

	// Keeps each $in (and so each query document) far below MongoDB's 16 MiB limit, whatever the names' lengths.
	private static final int NAMES_PER_QUERY = 1_000;

	private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

	private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);

	private final MongoCollections collections;

	private final String collection;

	private final Clock clock;

	/** A store in {@code collection}, judging expiry by {@code clock}. */
	public MongoRecordStore(ReactiveMongoOperations operations, String collection, Clock clock) {
		this.collections = new MongoCollections(operations);
		MongoCollections.checkName("collection", collection);
		this.collection = collection;
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	/** A store in {@code collection}, judging expiry by the system clock. */
	public MongoRecordStore(ReactiveMongoOperations operations, String collection) {
		this(operations, collection, Clock.systemUTC());
	}

	/**
	 * Drops the TTL index on {@code exp} that earlier versions created, and creates a plain index on {@code exp} in
	 * its place; harmless when done already. The store works without it, but {@link #findExpired} then reads the
	 * whole collection.
	 */
	public Mono<Void> createIndexes() {
		IndexOptions expiry = new IndexOptions().name(EXPIRY_INDEX);
		return this.collections.with(this.collection,
				(records) -> Mono.from(records.dropIndex(TTL_INDEX))
					.onErrorResume(MongoCommandException.class, (ex) -> (ex.getErrorCode() == INDEX_NOT_FOUND)
							? Mono.empty() : Mono.error(ex))
					.then(Mono.from(records.createIndex(Indexes.ascending(EXPIRES), expiry)))
					.then(),
				"creating the expiry index of collection '" + this.collection + "'");
	}

	@Override
	public Mono<VersionedRecord> find(String name) {
		Objects.requireNonNull(name, "name");
		return Mono.defer(() -> this.collections
			.with(this.collection, (records) -> Mono.from(records.find(Filters.eq(ID, name)).first()),
					"finding record '" + name + "'")
			.map(MongoRecordStore::toRecord));
	}

	@Override
	public Flux<VersionedRecord> findMany(Collection<String> names) {
		Objects.requireNonNull(names, "names");
		if (names.isEmpty()) {
			return Flux.empty();
		}
		List<String> distinct = List.copyOf(new LinkedHashSet<>(names));
		List<List<String>> chunks = new ArrayList<>();
		for (int from = 0; from < distinct.size(); from += NAMES_PER_QUERY) {
			chunks.add(distinct.subList(from, Math.min(distinct.size(), from + NAMES_PER_QUERY)));
		}
		return Flux.fromIterable(chunks)
			.concatMap((chunk) -> this.collections.withMany(this.collection,
					(records) -> Flux.from(records.find(Filters.in(ID, chunk))), "finding " + chunk.size() + " records"))
			.map(MongoRecordStore::toRecord);
	}

	@Override
	public Flux<VersionedRecord> scan(String prefix) {
		Objects.requireNonNull(prefix, "prefix");
		return Flux.defer(() -> {
			Instant now = this.clock.instant();
			Bson filter = Filters.and(Filters.regex(ID, "^" + literal(prefix)), Filters.eq(DELETED, false),
					notExpired(now));
			return this.collections
				.withMany(this.collection, (records) -> Flux.from(records.find(filter).sort(Sorts.ascending(ID))),
						"scanning records under '" + prefix + "'")
				.map(MongoRecordStore::toRecord)
				.filter((record) -> !record.isExpiredAt(now));
		});
	}

	@Override
	public Flux<VersionedRecord> findExpired(Instant at, int limit) {
		Objects.requireNonNull(at, "at");
		if (limit < 1) {
			return Flux.empty();
		}
		// exp holds whole milliseconds: the query takes the whole millisecond of at, the exact check follows here.
		Bson filter = Filters.and(Filters.lte(EXPIRES, new Date(at.toEpochMilli())), Filters.eq(DELETED, false));
		return this.collections
			.withMany(this.collection,
					(records) -> Flux.from(records.find(filter).sort(Sorts.ascending(EXPIRES, EXPIRES_NANOS))),
					"finding records expired at " + at)
			.map(MongoRecordStore::toRecord)
			.filter((record) -> record.isExpiredAt(at))
			.take(limit);
	}

	@Override
	public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
		Objects.requireNonNull(records, "records");
		if (records.isEmpty()) {
			return Mono.just(0);
		}
		// Only the highest version of a name can be written, and one model per name keeps the unordered bulk
		// write free of conflicts within itself.
		Map<String, VersionedRecord> highest = new LinkedHashMap<>();
		for (VersionedRecord record : records) {
			highest.merge(record.name(), record, (stored, candidate) -> candidate.isNewerThan(stored) ? candidate : stored);
		}
		List<VersionedRecord> batch = List.copyOf(highest.values());
		return write(batch).flatMap((first) -> first.collided().isEmpty() ? Mono.just(first.written())
				: write(first.collided()).map((second) -> first.written() + second.written()));
	}

	private Mono<Outcome> write(List<VersionedRecord> batch) {
		List<WriteModel<Document>> models = new ArrayList<>(batch.size());
		for (VersionedRecord record : batch) {
			models.add(new UpdateOneModel<>(
					Filters.and(Filters.eq(ID, record.name()), Filters.lt(VERSION, record.version())),
					contents(record), UPSERT));
		}
		return this.collections.with(this.collection, (collection) -> bulkWrite(collection, models, batch),
				"writing " + batch.size() + " records");
	}

	private static Mono<Outcome> bulkWrite(MongoCollection<Document> collection, List<WriteModel<Document>> models,
			List<VersionedRecord> batch) {
		return Mono.from(collection.bulkWrite(models, UNORDERED))
			.map((result) -> new Outcome(written(result), List.of()))
			.onErrorResume(MongoBulkWriteException.class, (ex) -> {
				if (!MongoFailures.isDuplicateKey(ex)) {
					return Mono.error(ex);
				}
				// The others were applied: an unordered bulk write goes on after an error.
				List<VersionedRecord> collided = new ArrayList<>(ex.getWriteErrors().size());
				for (BulkWriteError error : ex.getWriteErrors()) {
					collided.add(batch.get(error.getIndex()));
				}
				return Mono.just(new Outcome(written(ex.getWriteResult()), collided));
			});
	}

	private static int written(BulkWriteResult result) {
		return result.getMatchedCount() + result.getUpserts().size();
	}

	private static Bson contents(VersionedRecord record) {
		Instant expiresAt = record.expiresAt();
		Date expires = (expiresAt != null) ? new Date(expiresAt.toEpochMilli()) : null;
		int nanos = (expiresAt != null) ? expiresAt.getNano() % 1_000_000 : 0;
		return Updates.combine(Updates.set(VERSION, record.version()), Updates.set(DATA, new Binary(record.data())),
				Updates.set(DELETED, record.deleted()), Updates.set(EXPIRES, expires),
				Updates.set(EXPIRES_NANOS, nanos));
	}

	/**
	 * Lets through what has not expired at {@code now}, and also what expires within the millisecond of
	 * {@code now}: the exact check follows in this process, with the nanoseconds.
	 */
	private static Bson notExpired(Instant now) {
		return Filters.or(Filters.eq(EXPIRES, null), Filters.gte(EXPIRES, new Date(now.toEpochMilli())));
	}

	static VersionedRecord toRecord(Document document) {
		Object data = document.get(DATA);
		byte[] bytes = (data instanceof Binary binary) ? binary.getData() : (byte[]) data;
		Date expires = document.getDate(EXPIRES);
		Number nanos = document.get(EXPIRES_NANOS, Number.class);
		Instant expiresAt = (expires != null)
				? Instant.ofEpochMilli(expires.getTime()).plusNanos((nanos != null) ? nanos.longValue() : 0) : null;
		return new VersionedRecord(document.getString(ID), document.get(VERSION, Number.class).longValue(), bytes,
				document.getBoolean(DELETED, false), expiresAt);
	}

	/**
	 * {@code prefix} as a regular expression matching itself only, in both PCRE (MongoDB) and Java: a backslash
	 * before any character but a letter or digit makes it literal in both; letters and digits are literal already
	 * (and escaping them could make a back-reference or class); control characters become {@code \xhh}.
	 */
	static String literal(String prefix) {
		StringBuilder pattern = new StringBuilder(prefix.length() * 2);
		for (int i = 0; i < prefix.length(); i++) {
			char c = prefix.charAt(i);
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c > 0x7f) {
				pattern.append(c);
			}
			else if (c < 0x20 || c == 0x7f) {
				pattern.append(String.format("\\x%02x", (int) c));
			}
			else {
				pattern.append('\\').append(c);
			}
		}
		return pattern.toString();
	}

	/** What one bulk write did: how many records it wrote, and which met an existing key. */
	private record Outcome(int written, List<VersionedRecord> collided) {
	}

}
