package io.sluice.record.write;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;
import io.sluice.record.InvalidRecordDataException;
import io.sluice.record.InvalidVersionException;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.RecordPath;
import io.sluice.record.RecordService;
import io.sluice.record.RecordUnavailableException;
import io.sluice.record.RecordWriteException;
import io.sluice.record.VersionExistsException;
import io.sluice.record.feed.RecordChangeFeed;

/**
 * The record service of DESIGN §2: a write's version is decided by a compare-and-set in the cache; only a
 * write that won it is made durable; the writer is answered, and the change announced, once it is durable. If
 * it cannot be made durable, the cache entry is taken back so that cache and store agree again.
 *
 * <p>A record's lane is held only until the compare-and-set has decided the version: the next write of the record
 * builds on it at once, while {@link DurablePipeline} makes the writes durable, answers and announces them in
 * version order, and on a failure fails every write built on the failed one too (see there).
 */
final class WriteThroughRecordService implements RecordService {

	private static final Logger logger = LoggerFactory.getLogger(WriteThroughRecordService.class);

	private static final byte[] EMPTY_OBJECT = { '{', '}' };

	/** The most names one store query reads after cache misses. */
	private static final int MAX_READS_PER_QUERY = 500;

	private final RecordCache cache;

	private final StoreReads reads;

	private final DurableWrites durable;

	private final RecordChangeFeed feed;

	private final RecordJson json;

	private final RecordLanes lanes = new RecordLanes();

	private final DurablePipeline pipeline;

	private final int casAttempts;

	private final Duration drainTimeout;

	WriteThroughRecordService(RecordCache cache, RecordStore store, DurableWrites durable, RecordChangeFeed feed,
			RecordJson json, int casAttempts, Duration drainTimeout) {
		this.cache = cache;
		this.reads = new StoreReads(store, MAX_READS_PER_QUERY);
		this.durable = durable;
		this.feed = feed;
		this.json = json;
		this.casAttempts = casAttempts;
		this.drainTimeout = drainTimeout;
		this.pipeline = new DurablePipeline(durable, feed, cache, this.lanes);
	}

	@Override
	public Mono<VersionedRecord> read(String name) {
		// A cache read fails open: the store has every acknowledged write once the queue has drained.
		return this.cache.get(name).onErrorResume(ConnectorException.class, (ex) -> {
			logger.warn("Cache read of record '{}' failed, reading the store: {}", name, ex.getMessage());
			return drained(name).then(this.reads.find(name));
		}).switchIfEmpty(Mono.defer(() -> fill(name)));
	}

	/**
	 * Fills the cache from the store after a miss. The store is read only once the queue has drained for this
	 * record, so that it already holds every acknowledged write and no version can be handed out twice. A record
	 * with nothing in the queue is read at once, with the other misses of the moment in one query.
	 */
	private Mono<VersionedRecord> fill(String name) {
		return drained(name)
			.then(this.reads.find(name))
			.flatMap((stored) -> this.cache.compareAndSet(0, stored)
				.map((result) -> (result.current() != null) ? result.current() : stored));
	}

	private Mono<Void> drained(String name) {
		return this.durable.drained(name)
			.timeout(this.drainTimeout, Mono.error(() -> new RecordUnavailableException(name, "Record '" + name
					+ "' cannot be read yet: the storage queue has not handed the store its latest writes within "
					+ this.drainTimeout.toMillis() + " ms (is a storage worker running?)")));
	}

	@Override
	public Mono<Long> head(String name) {
		return read(name).filter((record) -> !record.deleted()).map(VersionedRecord::version);
	}

	@Override
	public Mono<Boolean> has(String name) {
		return head(name).hasElement();
	}

	@Override
	public Mono<VersionedRecord> create(String name) {
		return this.lanes.run(name, () -> creation(name, this.casAttempts)).flatMap(Function.identity());
	}

	/**
	 * Creates the record if it is not live, inside its lane. The read comes first, even though the cache counts a
	 * record it does not hold as version 0: a record the cache lost must be found in the store, not created again.
	 */
	private Mono<Mono<VersionedRecord>> creation(String name, int attemptsLeft) {
		return read(name).map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((found) -> {
			VersionedRecord current = found.orElse(null);
			if (current != null && !current.deleted()) {
				return Mono.just(this.pipeline.whenDurable(current));
			}
			long currentVersion = (current != null) ? current.version() : 0;
			// Never written: version 0, as deepstream creates it. Deleted: above the tombstone, as any write.
			long version = (current != null) ? currentVersion + 1 : 0;
			RecordChange change = new RecordChange(RecordChange.Kind.CREATE,
					VersionedRecord.of(name, version, EMPTY_OBJECT), null, null, null);
			return compareAndSet(currentVersion, change.record())
				.flatMap((result) -> {
					if (result.won()) {
						return Mono.just(this.pipeline.submit(change));
					}
					if (attemptsLeft > 1) {
						// Another node wrote first: judge again against what is current now.
						return creation(name, attemptsLeft - 1);
					}
					return Mono.error(tooManyWriters(name));
				});
		});
	}

	@Override
	public Mono<VersionedRecord> set(String name, long version, byte[] data, String origin) {
		// Checked once, before the lane: a retried compare-and-set does not check it again.
		byte[] document;
		try {
			document = this.json.checkedDocument(name, data);
		}
		catch (InvalidRecordDataException ex) {
			return Mono.error(ex);
		}
		Mutation mutation = (current, next) -> new RecordChange(RecordChange.Kind.SET,
				VersionedRecord.of(name, next, document), null, null, origin);
		if (version <= 1) {
			return write(name, version, mutation);
		}
		// A set needs nothing of the current record but its version: while the cache holds the one before it, the
		// compare-and-set alone decides, one cache round trip instead of two. Otherwise (a miss, another version)
		// the write is judged as any other. Not for version 1: a record the cache lost would pass for version 0.
		RecordChange change = mutation.apply(null, version);
		return this.lanes.run(name, () -> compareAndSet(version - 1, change.record())
			.flatMap((result) -> result.won() ? Mono.just(this.pipeline.submit(change))
					: attempt(name, version, mutation, this.casAttempts)))
			.flatMap(Function.identity());
	}

	@Override
	public Mono<VersionedRecord> patch(String name, long version, String path, byte[] value, String origin) {
		return write(name, version, (current, next) -> {
			RecordPath parsed = parsePath(name, path);
			JsonNode patched = apply(name, parsed, () -> parsed.set(base(name, current), this.json.value(name, value)));
			return new RecordChange(RecordChange.Kind.PATCH, VersionedRecord.of(name, next, this.json.bytes(patched)),
					parsed.toString(), value, origin);
		});
	}

	@Override
	public Mono<VersionedRecord> erase(String name, long version, String path, String origin) {
		return write(name, version, (current, next) -> {
			RecordPath parsed = parsePath(name, path);
			JsonNode erased = apply(name, parsed, () -> parsed.erase(base(name, current)));
			return new RecordChange(RecordChange.Kind.ERASE, VersionedRecord.of(name, next, this.json.bytes(erased)),
					parsed.toString(), null, origin);
		});
	}

	@Override
	public Mono<VersionedRecord> delete(String name, String origin) {
		return write(name, FORCE, (current, next) -> {
			if (current == null || current.deleted()) {
				throw new RecordNotFoundException(name);
			}
			return new RecordChange(RecordChange.Kind.DELETE, VersionedRecord.tombstone(name, next), null, null,
					origin);
		});
	}

	@Override
	public Mono<VersionedRecord> reload(String name) {
		return this.lanes.run(name, () -> drained(name).then(this.reads.find(name))
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((stored) -> replaceCached(name, stored.orElse(null), this.casAttempts)));
	}

	/** Puts {@code stored} in the cache in place of whatever it holds, and announces it. */
	private Mono<VersionedRecord> replaceCached(String name, VersionedRecord stored, int attemptsLeft) {
		// Fails closed: a cache that cannot be read cannot be told to forget its copy.
		return this.cache.get(name)
			.map(VersionedRecord::version)
			.defaultIfEmpty(0L)
			.onErrorMap(ConnectorException.class, (ex) -> new RecordUnavailableException(name,
					"Record '" + name + "' cannot be reloaded: the cache failed: " + ex.getMessage()))
			.flatMap((cachedVersion) -> {
				if (stored == null) {
					return (cachedVersion == 0) ? Mono.empty() : this.cache.evict(name, cachedVersion).then(Mono.empty());
				}
				return compareAndSet(cachedVersion, stored).flatMap((result) -> {
					if (result.won()) {
						RecordChange.Kind kind = stored.deleted() ? RecordChange.Kind.DELETE : RecordChange.Kind.SET;
						return this.feed.announce(new RecordChange(kind, stored, null, null, null))
							.thenReturn(stored);
					}
					if (attemptsLeft > 1) {
						// Another node wrote meanwhile: replace what it wrote too, as the store is the truth here.
						return replaceCached(name, stored, attemptsLeft - 1);
					}
					return Mono.error(tooManyWriters(name));
				});
			});
	}

	@Override
	public Flux<RecordChange> changes() {
		return this.feed.changes();
	}

	private Mono<VersionedRecord> write(String name, long version, Mutation mutation) {
		if (version != FORCE && version < 1) {
			return Mono.error(new InvalidRecordDataException(name,
					"Version " + version + " of record '" + name + "' is invalid; versions start at 1, or -1 forces"));
		}
		// The lane ends with the compare-and-set; what it yields is the answer, which comes once the write is durable.
		return this.lanes.run(name, () -> attempt(name, version, mutation, this.casAttempts))
			.flatMap(Function.identity());
	}

	/** Decides the version; yields the write's answer from the pipeline, to which it was handed within the lane. */
	private Mono<Mono<VersionedRecord>> attempt(String name, long version, Mutation mutation, int attemptsLeft) {
		return read(name).map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((found) -> {
			VersionedRecord current = found.orElse(null);
			long currentVersion = (current != null) ? current.version() : 0;
			if (version != FORCE && version <= currentVersion) {
				return Mono.error(new VersionExistsException(name, version, current));
			}
			if (version != FORCE && version > currentVersion + 1) {
				return Mono.error(new InvalidVersionException(name, version, currentVersion));
			}
			RecordChange change = mutation.apply(current, currentVersion + 1);
			return compareAndSet(currentVersion, change.record())
				.flatMap((result) -> {
					if (result.won()) {
						return Mono.just(this.pipeline.submit(change));
					}
					if (attemptsLeft > 1) {
						// Another node wrote first: judge the write again against what is current now.
						return attempt(name, version, mutation, attemptsLeft - 1);
					}
					return Mono.error(tooManyWriters(name));
				});
		});
	}

	/** The cache's compare-and-set; a write fails closed when the cache fails. */
	private Mono<RecordCache.CasResult> compareAndSet(long expectedVersion, VersionedRecord next) {
		return this.cache.compareAndSet(expectedVersion, next)
			.onErrorMap(ConnectorException.class, (ex) -> new RecordWriteException(next.name(),
					"The cache refused the write: " + ex.getMessage(), ex));
	}

	private RecordWriteException tooManyWriters(String name) {
		return new RecordWriteException(name, "Record '" + name + "' is being written by too many writers at once; "
				+ "gave up after " + this.casAttempts + " attempts", null);
	}

	private JsonNode base(String name, VersionedRecord current) {
		byte[] data = (current == null || current.deleted()) ? EMPTY_OBJECT : current.data();
		return this.json.document(name, data);
	}

	private static RecordPath parsePath(String name, String path) {
		try {
			return RecordPath.parse(path);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRecordDataException(name, "Invalid path for record '" + name + "': " + ex.getMessage());
		}
	}

	private static JsonNode apply(String name, RecordPath path, java.util.function.Supplier<JsonNode> change) {
		try {
			return change.get();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRecordDataException(name, "Cannot apply path for record '" + name + "': " + ex.getMessage());
		}
	}

	/** Computes a write's change from the current record (or {@code null}) and the version it will create. */
	@FunctionalInterface
	private interface Mutation {

		RecordChange apply(VersionedRecord current, long nextVersion);

	}

}
