package io.sluice.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.tck.ForwardingRecordStore;

/** A store failing a set number of writes the way an unreachable database does, counting the writes tried. */
final class FlakyStore extends ForwardingRecordStore {

	final AtomicInteger failuresLeft = new AtomicInteger();

	final AtomicInteger attempts = new AtomicInteger();

	FlakyStore(RecordStore delegate) {
		super(delegate);
	}

	@Override
	public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
		return Mono.defer(() -> {
			this.attempts.incrementAndGet();
			if (this.failuresLeft.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				return Mono.error(new ConnectorException("test", "database unreachable"));
			}
			return delegate().upsertIfNewer(new ArrayList<>(records));
		});
	}

}
