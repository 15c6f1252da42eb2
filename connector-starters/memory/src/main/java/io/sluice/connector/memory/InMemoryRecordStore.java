package io.sluice.connector.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/**
 * A {@link RecordStore} in a sorted concurrent map of this process, so that a scan by prefix is a walk over a
 * key range. Each write is a version-guarded atomic replace of one entry.
 *
 * <p>Not durable: everything is lost with the process, so this store suits tests and trying Sluice out, not
 * data anyone needs to keep. Expired records are kept and found (they still guard their version), never scanned;
 * {@link #findExpired} looks at every record, which suits the few records a test holds.
 * Records are not copied: callers must not change the data they hand over or get back.
 */
public final class InMemoryRecordStore implements RecordStore {

	private final ConcurrentSkipListMap<String, VersionedRecord> records = new ConcurrentSkipListMap<>();

	private final Clock clock;

	public InMemoryRecordStore() {
		this(Clock.systemUTC());
	}

	public InMemoryRecordStore(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	@Override
	public Mono<VersionedRecord> find(String name) {
		return Mono.fromSupplier(() -> this.records.get(name));
	}

	@Override
	public Flux<VersionedRecord> findMany(Collection<String> names) {
		return Flux.defer(() -> Flux.fromIterable(names).mapNotNull(this.records::get));
	}

	@Override
	public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
		return Mono.fromSupplier(() -> {
			int written = 0;
			boolean[] newer = new boolean[1];
			for (VersionedRecord record : records) {
				// The function may run more than once under contention; the run that took effect runs last.
				this.records.compute(record.name(), (name, current) -> {
					newer[0] = record.isNewerThan(current);
					return newer[0] ? record : current;
				});
				if (newer[0]) {
					written++;
				}
			}
			return written;
		});
	}

	@Override
	public Flux<VersionedRecord> scan(String prefix) {
		return Flux.defer(() -> {
			Instant now = this.clock.instant();
			return Flux.fromIterable(this.records.tailMap(prefix, true).entrySet())
				.takeWhile((entry) -> entry.getKey().startsWith(prefix))
				.map(Map.Entry::getValue)
				.filter((record) -> !record.deleted() && !record.isExpiredAt(now));
		});
	}

	@Override
	public Flux<VersionedRecord> findExpired(Instant at, int limit) {
		return Flux.defer(() -> Flux.fromStream(this.records.values()
			.stream()
			.filter((record) -> !record.deleted() && record.isExpiredAt(at))
			.sorted(Comparator.comparing(VersionedRecord::expiresAt))
			.limit(limit)));
	}

}
