package io.sluice.connector.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import io.sluice.connector.RecordCache;
import io.sluice.connector.VersionedRecord;

/**
 * A {@link RecordCache} in a {@link ConcurrentHashMap} of this process. Compare-and-set is one atomic
 * {@code compute} on the record's entry, so writers of different records never wait for each other.
 *
 * <p>Entries are kept until evicted, replaced or found expired (expired entries are dropped when next touched);
 * there is no size limit. Records are not copied: callers must not change the data they hand over or get back.
 */
public final class InMemoryRecordCache implements RecordCache {

	private final ConcurrentHashMap<String, VersionedRecord> records = new ConcurrentHashMap<>();

	private final Clock clock;

	public InMemoryRecordCache() {
		this(Clock.systemUTC());
	}

	public InMemoryRecordCache(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	@Override
	public Mono<VersionedRecord> get(String name) {
		return Mono.fromSupplier(() -> live(name));
	}

	@Override
	public Mono<CasResult> compareAndSet(long expectedVersion, VersionedRecord next) {
		return Mono.fromSupplier(() -> {
			Instant now = this.clock.instant();
			boolean[] won = new boolean[1];
			VersionedRecord after = this.records.compute(next.name(), (name, current) -> {
				boolean held = current != null && !current.isExpiredAt(now);
				won[0] = ((held ? current.version() : 0) == expectedVersion);
				if (won[0]) {
					return next;
				}
				// Lost: an expired entry is dropped here rather than kept (a live one at version 0 is kept).
				return held ? current : null;
			});
			return won[0] ? CasResult.won(after) : CasResult.lost(after);
		});
	}

	@Override
	public Mono<Boolean> evict(String name, long version) {
		return Mono.fromSupplier(() -> {
			VersionedRecord current = this.records.get(name);
			// remove(key, value) fails if anything was written since the read, which then stays.
			return current != null && current.version() == version && this.records.remove(name, current);
		});
	}

	private VersionedRecord live(String name) {
		VersionedRecord current = this.records.get(name);
		if (current != null && current.isExpiredAt(this.clock.instant())) {
			this.records.remove(name, current);
			return null;
		}
		return current;
	}

}
