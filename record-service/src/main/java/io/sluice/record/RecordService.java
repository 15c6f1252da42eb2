package io.sluice.record;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.VersionedRecord;

/**
 * Records as the gateway sees them: reads, writes under deepstream's version rules, and the feed of changes.
 * In one JVM it is called in-process; across services the same interface is served over the internal API.
 *
 * <p>Version rules for writes: a write names the version it creates, which must be the current version plus
 * one (a record never written, or deleted, has the version of its tombstone, or 0). A lower version fails
 * with {@link VersionExistsException} carrying the current record; a higher one with
 * {@link InvalidVersionException}; {@link #FORCE} (-1) writes on top of whatever is current. Opening a record
 * ({@link #create}) creates it empty at version 0 if it does not exist, as deepstream does.
 *
 * <p>A write completes only when it is durable (accepted by the storage queue, or in the store when there is
 * no queue); at that moment its change is already in {@link #changes()}. A write that could not be made
 * durable fails with {@link RecordWriteException} and leaves no trace in the cache.
 *
 * <p>Order: writes to one record are applied in the order their {@code Mono}s are subscribed to, so a caller
 * may pipeline several writes to one record (subscribe to each as it arrives, without waiting) and they are
 * checked against each other's versions in that order. Writes to different records proceed in parallel.
 *
 * <p>Expiry: a write may give the record a time to live ({@code ttl}); without one, the record expires as the
 * name's rule says ({@code sluice.records.ttl}), or never. Every write decides anew, so a write renews the expiry
 * (or, with neither a TTL nor a rule, removes it). Once a record's deadline has passed it reads as deleted, and it is
 * deleted as {@link #delete} would: a tombstone one version above, announced in {@link #changes()}, so that a writer
 * still holding a version from before gets {@link VersionExistsException}.
 *
 * <p>Every write takes an {@code origin}: an opaque id of the writer (a gateway's connection id, say), or
 * {@code null}. It comes back in the {@link RecordChange}, so that the writer need not be told of its own
 * change.
 */
public interface RecordService {

	/** The version that forces a write on top of whatever is current. */
	long FORCE = -1;

	/**
	 * The current record: live, or a tombstone (whose version a re-created record starts from), or empty if the
	 * name was never opened or written.
	 */
	Mono<VersionedRecord> read(String name);

	/**
	 * The current record as {@link #read} answers it, but without waiting for a version decided here to be made
	 * durable: for deciding about a write that will be applied after it (a permission rule's {@code oldData}), never
	 * to tell a client of it. A write that comes after a version that then cannot be made durable fails on its
	 * version anyway. By default the same as {@link #read}.
	 */
	default Mono<VersionedRecord> readDecided(String name) {
		return read(name);
	}

	/** The current version of a live record, or empty if it does not exist (never opened or written, or deleted). */
	Mono<Long> head(String name);

	/** Whether a live record of that name exists. */
	Mono<Boolean> has(String name);

	/**
	 * The live record of that name, created if there is none: what opening a record does. A record that was never
	 * written is created as {@code {}} at version 0, one that was deleted as {@code {}} one version above its
	 * tombstone (versions never go backwards). A live record is left untouched. Creating is a write like any other,
	 * through the compare-and-set and made durable before it is answered; so is the answer of a caller that finds
	 * the record being created or written by someone else, so nobody is told of a version storage will not have.
	 * Subscribers are not told of a creation ({@link #changes()} does not carry it): it holds nothing but
	 * {@code {}}, and every opener is answered the record itself.
	 * @return the live record, or a {@link RecordWriteException} if it could not be made durable
	 */
	Mono<VersionedRecord> create(String name);

	/** Replaces the whole of a record's data (a JSON object or array) as version {@code version}. */
	Mono<VersionedRecord> set(String name, long version, byte[] data, String origin);

	/**
	 * {@link #set(String, long, byte[], String)}, the record expiring {@code ttl} after this write ({@code null}:
	 * as the name's rule says). A service that keeps no expiry refuses a TTL.
	 */
	default Mono<VersionedRecord> set(String name, long version, byte[] data, String origin, Duration ttl) {
		return (ttl == null) ? set(name, version, data, origin) : Mono.error(noExpiry(name));
	}

	/**
	 * Sets the value at {@code path} (such as {@code a.b[2].c}) to the JSON {@code value}, creating objects and
	 * arrays on the way, as version {@code version}.
	 */
	Mono<VersionedRecord> patch(String name, long version, String path, byte[] value, String origin);

	/**
	 * {@link #patch(String, long, String, byte[], String)}, the record expiring {@code ttl} after this write
	 * ({@code null}: as the name's rule says). A service that keeps no expiry refuses a TTL.
	 */
	default Mono<VersionedRecord> patch(String name, long version, String path, byte[] value, String origin,
			Duration ttl) {
		return (ttl == null) ? patch(name, version, path, value, origin) : Mono.error(noExpiry(name));
	}

	/** Removes the value at {@code path}, as version {@code version}. */
	Mono<VersionedRecord> erase(String name, long version, String path, String origin);

	/**
	 * Deletes a record, leaving a tombstone one version above the current one.
	 * @return the tombstone; fails with {@link RecordNotFoundException} when there is no live record
	 */
	Mono<VersionedRecord> delete(String name, String origin);

	/**
	 * Reads a record again from the store, for a change made there behind this service's back (deepstream's
	 * {@code record.notify}): once the storage queue has handed the store this record's writes, the cached copy is
	 * replaced by the stored one (or dropped, when the store has none), and the stored record is announced in
	 * {@link #changes()} as a change (a {@code SET}, or a {@code DELETE} for a tombstone) without an origin, so that
	 * every subscriber on every node hears of it.
	 * @return the stored record, or empty when the store has none (then nothing is announced)
	 */
	Mono<VersionedRecord> reload(String name);

	/**
	 * Every durable change to any record, from this node and, through the message bus, from others: hot, and
	 * in version order per record for changes made through one node.
	 */
	Flux<RecordChange> changes();

	private static InvalidRecordDataException noExpiry(String name) {
		return new InvalidRecordDataException(name,
				"Record '" + name + "' cannot be given a time to live: this record service keeps no expiry");
	}

}
