package io.sluice.gateway.record;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.sluice.connector.VersionedRecord;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.RecordService;

/**
 * Records a test stored, in a map: reads, creates and reloads what the test stored (a reload announced in
 * {@link #changes()}); deletes find nothing to delete; other writes are not expected by the tests that use it.
 */
public final class StoredRecords implements RecordService {

	public final Map<String, VersionedRecord> stored = new HashMap<>();

	public final List<String> reads = new ArrayList<>();

	public boolean failReads;

	/** What reads wait for before they answer what they found when they were made: a record-service call under way. */
	public Mono<Void> readsWaitFor = Mono.empty();

	private final Sinks.Many<RecordChange> changes = Sinks.many().multicast().directBestEffort();

	@Override
	public Mono<VersionedRecord> read(String name) {
		return lookUp(name).delayUntil((record) -> this.readsWaitFor);
	}

	private Mono<VersionedRecord> lookUp(String name) {
		this.reads.add(name);
		return this.failReads ? Mono.error(new IllegalStateException("store down"))
				: Mono.justOrEmpty(this.stored.get(name));
	}

	@Override
	public Mono<Long> head(String name) {
		return Mono.justOrEmpty(this.stored.get(name)).map(VersionedRecord::version);
	}

	@Override
	public Mono<Boolean> has(String name) {
		return Mono.just(this.stored.containsKey(name));
	}

	@Override
	public Mono<VersionedRecord> create(String name) {
		VersionedRecord current = this.stored.get(name);
		if (current == null || current.deleted()) {
			current = VersionedRecord.of(name, (current != null) ? current.version() + 1 : 0, "{}");
			this.stored.put(name, current);
		}
		return Mono.just(current);
	}

	@Override
	public Mono<VersionedRecord> set(String name, long version, byte[] data, String origin) {
		return Mono.error(new UnsupportedOperationException("set"));
	}

	@Override
	public Mono<VersionedRecord> patch(String name, long version, String path, byte[] value, String origin) {
		return Mono.error(new UnsupportedOperationException("patch"));
	}

	@Override
	public Mono<VersionedRecord> erase(String name, long version, String path, String origin) {
		return Mono.error(new UnsupportedOperationException("erase"));
	}

	@Override
	public Mono<VersionedRecord> delete(String name, String origin) {
		return Mono.error(new RecordNotFoundException(name));
	}

	/** Announces the stored record as {@link RecordService#reload} does, unless there is none. */
	@Override
	public Mono<VersionedRecord> reload(String name) {
		return lookUp(name).doOnNext((record) -> this.changes.tryEmitNext(new RecordChange(
				record.deleted() ? RecordChange.Kind.DELETE : RecordChange.Kind.SET, record, null, null, null)));
	}

	/** Only what {@link #reload} announces. */
	@Override
	public Flux<RecordChange> changes() {
		return this.changes.asFlux();
	}

}
