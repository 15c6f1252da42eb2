package io.sluice.connector;

import reactor.core.publisher.Mono;

/**
 * The cache in the request path: the point where a record's next version is decided.
 *
 * <p>Guarantees every adapter gives:
 * <ul>
 * <li><b>Atomic compare-and-set.</b> {@link #compareAndSet} replaces the cached record only if its version is
 * the one expected, as one indivisible step: of any number of concurrent callers expecting the same version,
 * exactly one wins. A cache that does not hold the record counts as holding version 0.</li>
 * <li><b>Read your writes.</b> Once a compare-and-set has completed, every {@link #get} on any node sees that
 * version or a newer one, unless the entry was evicted or expired since.</li>
 * <li><b>Expiry.</b> A record whose {@link VersionedRecord#expiresAt()} has passed is never returned.</li>
 * <li><b>Loss is allowed.</b> A cache may lose entries (restart, eviction); callers refill it from the store.
 * It never invents or resurrects a version.</li>
 * </ul>
 * Failures are signalled as {@link ConnectorException}.
 */
public interface RecordCache {

	/** The cached record, tombstones included, or empty when the cache does not hold it. */
	Mono<VersionedRecord> get(String name);

	/**
	 * Stores {@code next} if the cached version of {@code next.name()} is {@code expectedVersion} (0 when the
	 * cache does not hold the record).
	 * @return whether this call won, and the record the cache holds afterwards (empty {@code current} only if
	 *     the cache does not hold it)
	 */
	Mono<CasResult> compareAndSet(long expectedVersion, VersionedRecord next);

	/**
	 * Drops the cached record if its version is still {@code version}: used to take back a write the store
	 * will never see, without touching anything written on top of it.
	 * @return whether an entry was dropped
	 */
	Mono<Boolean> evict(String name, long version);

	/** The outcome of a {@link #compareAndSet}. */
	record CasResult(boolean won, VersionedRecord current) {

		public static CasResult won(VersionedRecord current) {
			return new CasResult(true, current);
		}

		public static CasResult lost(VersionedRecord current) {
			return new CasResult(false, current);
		}

		/** The version the cache holds now (0 when it holds nothing). */
		public long currentVersion() {
			return this.current == null ? 0 : this.current.version();
		}

	}

}
