package io.sluice.connector.tck;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/**
 * A real store seen through a test: every call goes to it as it is, and a test overrides the calls whose behaviour
 * it changes (writes that fail, wait, or are recorded).
 */
public abstract class ForwardingRecordStore implements RecordStore {

	private final RecordStore delegate;

	protected ForwardingRecordStore(RecordStore delegate) {
		this.delegate = delegate;
	}

	/** The store every call goes to. */
	protected final RecordStore delegate() {
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

	@Override
	public Flux<VersionedRecord> findExpired(Instant at, int limit) {
		return this.delegate.findExpired(at, limit);
	}

}
