package io.sluice.storage;

import java.util.Collection;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/** A store that reads from another as it is; the tests' stores change how writes behave. */
abstract class ForwardingStore implements RecordStore {

	private final RecordStore delegate;

	ForwardingStore(RecordStore delegate) {
		this.delegate = delegate;
	}

	/** The store reads and writes go to. */
	final RecordStore delegate() {
		return this.delegate;
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
