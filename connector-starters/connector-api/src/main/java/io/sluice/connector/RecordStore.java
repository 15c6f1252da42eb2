package io.sluice.connector;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Durable storage of records, off the request path.
 *
 * <p>Guarantees every adapter gives:
 * <ul>
 * <li><b>Version guard.</b> {@link #upsertIfNewer} writes a record only if its version is greater than the
 * stored one (tombstones included), so versions never go backwards and replaying a batch is harmless
 * (idempotent).</li>
 * <li><b>Tombstones.</b> A delete is stored as a tombstone with the delete's version; an older write
 * arriving later cannot bring the record back.</li>
 * <li><b>Durability.</b> When the returned {@code Mono} completes, the batch survives a crash of the
 * process.</li>
 * <li><b>Expiry is the caller's.</b> A record whose {@link VersionedRecord#expiresAt()} has passed stays stored, and
 * {@link #find} and {@link #findMany} return it with its {@code expiresAt} like any other, until a newer version
 * (the record service writes a tombstone) replaces it: it still guards its version, so that a record that expired
 * can never come back at a lower version. {@link #scan} never returns it. {@link #findExpired} finds such records,
 * so that they can be turned into tombstones although no one reads them.</li>
 * </ul>
 * Failures are signalled as {@link ConnectorException}.
 */
public interface RecordStore {

	/** The stored record, tombstone or expired record included, or empty if none was ever stored. */
	Mono<VersionedRecord> find(String name);

	/** The stored records among {@code names}, tombstones and expired records included, in no particular order. */
	Flux<VersionedRecord> findMany(Collection<String> names);

	/**
	 * Writes each record that is newer than what is stored. A batch may hold several versions of one record.
	 * @return how many of the records were written
	 */
	Mono<Integer> upsertIfNewer(List<VersionedRecord> records);

	/** Stores a tombstone for {@code name} at {@code version} if that is newer than what is stored. */
	default Mono<Boolean> deleteIfNewer(String name, long version) {
		return upsertIfNewer(List.of(VersionedRecord.tombstone(name, version))).map((written) -> written > 0);
	}

	/** The live (not deleted, not expired) records whose names start with {@code prefix}, by name. */
	Flux<VersionedRecord> scan(String prefix);

	/**
	 * The stored records that are not tombstones and whose {@link VersionedRecord#expiresAt()} is at or before
	 * {@code at}, soonest first, at most {@code limit} of them. Exact to the nanosecond, as
	 * {@link VersionedRecord#isExpiredAt} judges; a store keeps an index for it, so that asking often costs little
	 * when nothing is due.
	 */
	Flux<VersionedRecord> findExpired(Instant at, int limit);

}
