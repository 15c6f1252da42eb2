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
import io.sluice.record.write.RecordServiceListener.Operation;

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

	private final RecordExpiry expiry;

	private final RecordServiceListener listener;

	WriteThroughRecordService(RecordCache cache, RecordStore store, DurableWrites durable, RecordChangeFeed feed,
			RecordJson json, int casAttempts, Duration drainTimeout) {
		this(cache, store, durable, feed, json, casAttempts, drainTimeout, RecordExpiry.withoutRules(),
				RecordServiceListener.NONE);
	}

	WriteThroughRecordService(RecordCache cache, RecordStore store, DurableWrites durable, RecordChangeFeed feed,
			RecordJson json, int casAttempts, Duration drainTimeout, RecordExpiry expiry,
			RecordServiceListener listener) {
		this.listener = listener;
		this.cache = cache;
		this.expiry = expiry;
		this.reads = new StoreReads(store, MAX_READS_PER_QUERY);
		this.durable = durable;
		this.feed = feed;
		this.json = json;
		this.casAttempts = casAttempts;
		this.drainTimeout = drainTimeout;
		this.pipeline = new DurablePipeline(durable, feed, cache, this.lanes);
	}

	/**
	 * The current record, seen as it is once expiry has been enforced: a live record past its deadline reads as the
	 * tombstone that will replace it (one version above), whether or not that has been written yet. A version this
	 * node has decided but not yet made durable is answered once it is (and announced), as a writer would be: a
	 * reader is never told of a version storage may not get. If it cannot be made durable, the cache has been taken
	 * back meanwhile and the record is read again.
	 */
	@Override
	public Mono<VersionedRecord> read(String name) {
		return durableCurrent(name, this.casAttempts).map(this::asRead);
	}

	@Override
	public Mono<VersionedRecord> readDecided(String name) {
		return current(name).map(this::asRead);
	}

	/** A record found as a read answers it: a live one past its deadline is the tombstone that will replace it. */
	private VersionedRecord asRead(VersionedRecord record) {
		return this.expiry.expired(record) ? VersionedRecord.tombstone(record.name(), record.version() + 1) : record;
	}

	private Mono<VersionedRecord> durableCurrent(String name, int attemptsLeft) {
		return current(name).flatMap((found) -> this.pipeline.durable(found)
			.onErrorResume(RecordWriteException.class,
					(ex) -> (attemptsLeft > 1) ? durableCurrent(name, attemptsLeft - 1) : Mono.error(ex)));
	}

	/** The current record as the cache or the store holds it, expired or not. */
	private Mono<VersionedRecord> current(String name) {
		// A cache read fails open: the store has every acknowledged write once the queue has drained.
		return this.cache.get(name).doOnNext((hit) -> this.listener.cacheRead(true))
			.onErrorResume(ConnectorException.class, (ex) -> {
				logger.warn("Cache read of record '{}' failed, reading the store: {}", name, ex.getMessage());
				return drained(name).then(this.reads.find(name));
			})
			.switchIfEmpty(Mono.defer(() -> {
				this.listener.cacheRead(false);
				return fill(name);
			}));
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
		return Measured.waited(this.durable.drained(name), this.listener)
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
		return current(name).map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((found) -> {
			VersionedRecord current = found.orElse(null);
			if (this.expiry.expired(current)) {
				return expiration(current).then(Mono.defer(() -> retried(name, attemptsLeft,
						() -> creation(name, attemptsLeft - 1))));
			}
			if (current != null && !current.deleted()) {
				return Mono.just(this.pipeline.whenDurable(current));
			}
			long currentVersion = (current != null) ? current.version() : 0;
			// Never written: version 0, as deepstream creates it. Deleted: above the tombstone, as any write.
			long version = (current != null) ? currentVersion + 1 : 0;
			RecordChange change = new RecordChange(RecordChange.Kind.CREATE,
					this.expiry.record(name, version, EMPTY_OBJECT, null), null, null, null);
			return compareAndSet(currentVersion, change.record())
				.flatMap((result) -> {
					if (result.won()) {
						return Mono.just(submit(change));
					}
					// Another node wrote first: judge again against what is current now.
					return retried(name, attemptsLeft, () -> creation(name, attemptsLeft - 1));
				});
		});
	}

	@Override
	public Mono<VersionedRecord> set(String name, long version, byte[] data, String origin) {
		return set(name, version, data, origin, null);
	}

	@Override
	public Mono<VersionedRecord> set(String name, long version, byte[] data, String origin, Duration ttl) {
		return Measured.written(Operation.SET, setting(name, version, data, origin, ttl), this.listener);
	}

	private Mono<VersionedRecord> setting(String name, long version, byte[] data, String origin, Duration ttl) {
		// Checked once, before the lane: a retried compare-and-set does not check it again.
		byte[] document;
		try {
			document = this.json.checkedDocument(name, data);
		}
		catch (InvalidRecordDataException ex) {
			return Mono.error(ex);
		}
		Mutation mutation = (current, next) -> new RecordChange(RecordChange.Kind.SET,
				this.expiry.record(name, next, document, ttl), null, null, origin);
		if (version <= 1) {
			return write(name, version, mutation);
		}
		// A set needs nothing of the current record but its version: while the cache holds the one before it, the
		// compare-and-set alone decides, one cache round trip instead of two. Otherwise (a miss, another version)
		// the write is judged as any other. Not for version 1: a record the cache lost would pass for version 0. Nor
		// for a record past its deadline: the cache holds none such (it counts as version 0), so this one loses.
		RecordChange change = mutation.apply(null, version);
		return this.lanes.run(name, () -> compareAndSet(version - 1, change.record())
			.flatMap((result) -> result.won() ? Mono.just(submit(change))
					: attempt(name, version, mutation, this.casAttempts)))
			.flatMap(Function.identity());
	}

	@Override
	public Mono<VersionedRecord> patch(String name, long version, String path, byte[] value, String origin) {
		return patch(name, version, path, value, origin, null);
	}

	@Override
	public Mono<VersionedRecord> patch(String name, long version, String path, byte[] value, String origin,
			Duration ttl) {
		return Measured.written(Operation.PATCH, write(name, version, (current, next) -> {
			RecordPath parsed = parsePath(name, path);
			JsonNode patched = apply(name, parsed, () -> parsed.set(base(name, current), this.json.value(name, value)));
			return new RecordChange(RecordChange.Kind.PATCH,
					this.expiry.record(name, next, this.json.bytes(patched), ttl), parsed.toString(), value, origin);
		}), this.listener);
	}

	@Override
	public Mono<VersionedRecord> erase(String name, long version, String path, String origin) {
		return Measured.written(Operation.ERASE, write(name, version, (current, next) -> {
			RecordPath parsed = parsePath(name, path);
			JsonNode erased = apply(name, parsed, () -> parsed.erase(base(name, current)));
			return new RecordChange(RecordChange.Kind.ERASE,
					this.expiry.record(name, next, this.json.bytes(erased), null), parsed.toString(), null, origin);
		}), this.listener);
	}

	@Override
	public Mono<VersionedRecord> delete(String name, String origin) {
		return Measured.written(Operation.DELETE, write(name, FORCE, (current, next) -> {
			if (current == null || current.deleted()) {
				throw new RecordNotFoundException(name);
			}
			return new RecordChange(RecordChange.Kind.DELETE, VersionedRecord.tombstone(name, next), null, null,
					origin);
		}), this.listener);
	}

	/** When this service's records expire. */
	RecordExpiry expiry() {
		return this.expiry;
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
		return current(name).map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((found) -> {
			VersionedRecord current = found.orElse(null);
			if (this.expiry.expired(current)) {
				// Expired: the expiry is a delete, made first, and the write is judged against its tombstone.
				return expiration(current).then(Mono.defer(() -> retried(name, attemptsLeft,
						() -> attempt(name, version, mutation, attemptsLeft - 1))));
			}
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
						return Mono.just(submit(change));
					}
					// Another node wrote first: judge the write again against what is current now.
					return retried(name, attemptsLeft, () -> attempt(name, version, mutation, attemptsLeft - 1));
				});
		});
	}

	/**
	 * Enforces the expiry of {@code name} if it is past its deadline: from {@link ExpirySweep}, for records no one
	 * reads or writes. Runs in the record's lane, as a delete.
	 * @return whether this call expired it (false if it was not due, was gone already, or another node did it)
	 */
	Mono<Boolean> expire(String name) {
		return this.lanes.run(name, () -> current(name).filter(this.expiry::expired)
			.flatMap(this::expiration)
			.defaultIfEmpty(Mono.just(false)))
			.flatMap(Function.identity());
	}

	/**
	 * Replaces an expired record with a tombstone one version above, announced as a delete, exactly as
	 * {@link #delete} would: inside the record's lane. The cache counts an expired record as not held (version 0).
	 * @return once the compare-and-set is decided: whether it won, and then when the tombstone is durable
	 */
	private Mono<Mono<Boolean>> expiration(VersionedRecord expired) {
		RecordChange change = new RecordChange(RecordChange.Kind.DELETE,
				VersionedRecord.tombstone(expired.name(), expired.version() + 1), null, null, null);
		return compareAndSet(0, change.record()).map((result) -> {
			if (!result.won()) {
				return Mono.just(false);
			}
			logger.debug("Record '{}' v{} expired at {}", expired.name(), expired.version(), expired.expiresAt());
			return submit(change).thenReturn(true);
		});
	}

	/** Hands a write that won its compare-and-set to the pipeline, remembering its deadline if it has one. */
	private Mono<VersionedRecord> submit(RecordChange change) {
		this.expiry.written(change.record());
		return this.pipeline.submit(change);
	}

	private <T> Mono<T> retried(String name, int attemptsLeft, java.util.function.Supplier<Mono<T>> again) {
		if (attemptsLeft > 1) {
			this.listener.casRetried();
			return again.get();
		}
		return Mono.error(tooManyWriters(name));
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
