package io.sluice.record.write;

import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/**
 * Writes straight to the store when there is no storage queue, committing writes in groups ({@link StoreGroups}):
 * while one batch is being written, the writes that arrive wait and go together in the next one. One transaction
 * serves many writers, so throughput grows with load instead of being capped by one commit per write.
 */
final class StoreGroupCommit implements DurableWrites {

	private final StoreGroups<Pending, Integer> batches;

	StoreGroupCommit(RecordStore store, int maxBatchSize) {
		this.batches = new StoreGroups<>(maxBatchSize, (batch) -> store.upsertIfNewer(records(batch)),
				StoreGroupCommit::answer);
	}

	@Override
	public Mono<Void> write(VersionedRecord record) {
		return Mono.create((sink) -> this.batches.add(new Pending(record, sink)));
	}

	@Override
	public Mono<Void> drained(String name) {
		// Every acknowledged write is already in the store.
		return Mono.empty();
	}

	private static List<VersionedRecord> records(List<Pending> batch) {
		List<VersionedRecord> records = new ArrayList<>(batch.size());
		for (Pending each : batch) {
			records.add(each.record());
		}
		return records;
	}

	private static void answer(List<Pending> batch, Integer written, Throwable error) {
		for (Pending each : batch) {
			if (error != null) {
				each.sink().error(error);
			}
			else {
				each.sink().success();
			}
		}
	}

	private record Pending(VersionedRecord record, MonoSink<Void> sink) {
	}

}
