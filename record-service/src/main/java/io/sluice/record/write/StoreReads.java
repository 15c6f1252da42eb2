package io.sluice.record.write;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

/**
 * Reads of single records from the store, made in groups ({@link StoreGroups}): while one {@link RecordStore#findMany}
 * is with the store, the reads that arrive wait and go together in the next one. Cache misses come in bursts (a
 * client opening many new records at once), and one query for a hundred names costs the store little more than
 * one for a single name.
 *
 * <p>A read joins a group only when it is called, so whatever its caller waited for before calling (the storage
 * queue drained for that record) has happened before the group's query is made.
 */
final class StoreReads {

	private final StoreGroups<Pending, Map<String, VersionedRecord>> groups;

	StoreReads(RecordStore store, int maxGroupSize) {
		this.groups = new StoreGroups<>(maxGroupSize,
				(group) -> store.findMany(names(group)).collectMap(VersionedRecord::name), StoreReads::answer);
	}

	/** As {@link RecordStore#find}: the stored record, tombstone included, or empty. */
	Mono<VersionedRecord> find(String name) {
		return Mono.create((sink) -> this.groups.add(new Pending(name, sink)));
	}

	private static List<String> names(List<Pending> group) {
		List<String> names = new ArrayList<>(group.size());
		for (Pending each : group) {
			names.add(each.name());
		}
		return names;
	}

	private static void answer(List<Pending> group, Map<String, VersionedRecord> found, Throwable error) {
		for (Pending each : group) {
			if (error != null) {
				each.sink().error(error);
				continue;
			}
			VersionedRecord record = (found != null) ? found.get(each.name()) : null;
			if (record != null) {
				each.sink().success(record);
			}
			else {
				each.sink().success();
			}
		}
	}

	private record Pending(String name, MonoSink<VersionedRecord> sink) {
	}

}
