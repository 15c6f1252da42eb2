package io.sluice.record;

import java.util.Collection;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/** A real store with its writes intercepted by a test: everything else goes straight to the store. */
abstract class DelegatingRecordStore implements RecordStore {

	private final RecordStore delegate;

	DelegatingRecordStore(RecordStore delegate) {
		this.delegate = delegate;
	}

	@Override
	public Mono<VersionedRecord> find(String name) {
		return this.delegate.find(name);
	}

	@Override
	public Flux<VersionedRecord> findMany(Collection<String> names) {
		return this.delegate.findMany(names);
	}

	@Override
	public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
		return this.delegate.upsertIfNewer(records);
	}

	@Override
	public Flux<VersionedRecord> scan(String prefix) {
		return this.delegate.scan(prefix);
	}

}
