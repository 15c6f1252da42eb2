package io.sluice.gateway.record;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.VersionedRecord;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.RecordService;

/**
 * Records a test stored, in a map: reads and creates what the test stored; deletes find nothing to delete; other
 * writes are not expected by the tests that use it.
 */
public final class StoredRecords implements RecordService {

	public final Map<String, VersionedRecord> stored = new HashMap<>();

	public final List<String> reads = new ArrayList<>();

	public boolean failReads;

	@Override
	public Mono<VersionedRecord> read(String name) {
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

	@Override
	public Flux<RecordChange> changes() {
		return Flux.never();
	}

}
