package io.sluice.connector;

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
 * <li><b>Expiry.</b> {@link #find}, {@link #findMany} and {@link #scan} never return an expired record.</li>
 * </ul>
 * Failures are signalled as {@link ConnectorException}.
 */
public interface RecordStore {

	/** The stored record, tombstone included, or empty if none was ever stored (or it expired). */
	Mono<VersionedRecord> find(String name);

	/** The stored records among {@code names}, tombstones included, in no particular order. */
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

}
