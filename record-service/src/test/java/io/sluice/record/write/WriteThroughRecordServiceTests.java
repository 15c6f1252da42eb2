package io.sluice.record.write;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.MessageBus;
import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.InMemoryRecordCache;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.memory.InMemoryStorageQueue;
import io.sluice.connector.tck.ForwardingRecordStore;
import io.sluice.record.InvalidRecordDataException;
import io.sluice.record.InvalidVersionException;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.RecordService;
import io.sluice.record.RecordUnavailableException;
import io.sluice.record.RecordWriteException;
import io.sluice.record.VersionExistsException;
import io.sluice.record.feed.RecordChangeFeed;

import static org.assertj.core.api.Assertions.assertThat;

/** The record service over the real in-memory connectors. */
class WriteThroughRecordServiceTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();

	private final RecordCache cache = new InMemoryRecordCache();

	private final FailableStore store = new FailableStore(new InMemoryRecordStore());

	private final RecordService records = service("node-a", this.cache, DurableWrites.direct(this.store));

	private RecordService service(String node, RecordCache cache, DurableWrites durable) {
		MessageBus bus = new InMemoryMessageBus(node, this.medium);
		return new WriteThroughRecordService(cache, this.store, durable, new RecordChangeFeed(bus), new RecordJson(64),
				16, Duration.ofSeconds(5));
	}

	private static byte[] json(String text) {
		return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
	}

	private static String text(VersionedRecord record) {
		return record.json().replace('"', '\'');
	}

	@Test
	void firstWriteCreatesVersionOneInCacheAndStore() {
		StepVerifier.create(this.records.set("svc/create", 1, json("{'a':1}"), "w"))
			.assertNext((record) -> assertThat(record.version()).isEqualTo(1))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.read("svc/create").map(WriteThroughRecordServiceTests::text))
			.expectNext("{'a':1}")
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.store.find("svc/create").map(VersionedRecord::version))
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.head("svc/create")).expectNext(1L).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.has("svc/create")).expectNext(true).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.has("svc/never")).expectNext(false).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.read("svc/never")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void staleVersionIsRejectedWithCurrentData() {
		this.records.set("svc/stale", 1, json("{'v':1}"), "w").then(this.records.set("svc/stale", 2, json("{'v':2}"), "w"))
			.block(TIMEOUT);
		StepVerifier.create(this.records.set("svc/stale", 2, json("{'v':'late'}"), "w"))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(VersionExistsException.class);
				VersionedRecord current = ((VersionExistsException) error).current();
				assertThat(current.version()).isEqualTo(2);
				assertThat(text(current)).isEqualTo("{'v':2}");
			})
			.verify(TIMEOUT);
	}

	@Test
	void versionAheadOfNextIsInvalidAndMinusOneForces() {
		this.records.set("svc/ahead", 1, json("{}"), "w").block(TIMEOUT);
		StepVerifier.create(this.records.set("svc/ahead", 5, json("{}"), "w"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(InvalidVersionException.class)
				.hasMessageContaining("next write must be version 2"))
			.verify(TIMEOUT);
		StepVerifier.create(this.records.set("svc/ahead", RecordService.FORCE, json("{'forced':true}"), "w"))
			.assertNext((record) -> assertThat(record.version()).isEqualTo(2))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.set("svc/ahead", 0, json("{}"), "w"))
			.expectError(InvalidRecordDataException.class)
			.verify(TIMEOUT);
	}

	@Test
	void patchAndEraseWorkOnPaths() {
		this.records.set("svc/patch", 1, json("{'a':{'b':[1,2]}}"), "w").block(TIMEOUT);
		StepVerifier.create(this.records.patch("svc/patch", 2, "a.b[3].c", json("'x'"), "w")
			.map(WriteThroughRecordServiceTests::text))
			.expectNext("{'a':{'b':[1,2,null,{'c':'x'}]}}")
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.erase("svc/patch", 3, "a.b", "w").map(WriteThroughRecordServiceTests::text))
			.expectNext("{'a':{}}")
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.patch("svc/patch-new", 1, "x", json("1"), "w")
			.map(WriteThroughRecordServiceTests::text))
			.expectNext("{'x':1}")
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void badDataAndBadPathsAreRefusedWithAReason() {
		StepVerifier.create(this.records.set("svc/bad", 1, json("{'a':"), "w"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(InvalidRecordDataException.class)
				.hasMessageContaining("not valid JSON"))
			.verify(TIMEOUT);
		StepVerifier.create(this.records.set("svc/bad", 1, json("42"), "w"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(InvalidRecordDataException.class)
				.hasMessageContaining("object or array"))
			.verify(TIMEOUT);
		StepVerifier.create(this.records.set("svc/bad", 1, json("[".repeat(100) + "]".repeat(100)), "w"))
			.expectError(InvalidRecordDataException.class)
			.verify(TIMEOUT);
		StepVerifier.create(this.records.patch("svc/bad", 1, "a[x]", json("1"), "w"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(InvalidRecordDataException.class)
				.hasMessageContaining("non-numeric"))
			.verify(TIMEOUT);
		StepVerifier.create(this.records.read("svc/bad")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void deleteLeavesATombstoneThatARecreateBuildsOn() {
		this.records.set("svc/delete", 1, json("{'a':1}"), "w").block(TIMEOUT);
		StepVerifier.create(this.records.delete("svc/delete", "w"))
			.assertNext((tombstone) -> assertThat(tombstone.deleted()).isTrue())
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.has("svc/delete")).expectNext(false).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.read("svc/delete").map(VersionedRecord::version))
			.expectNext(2L)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.set("svc/delete", 1, json("{'old':true}"), "w"))
			.expectError(VersionExistsException.class)
			.verify(TIMEOUT);
		StepVerifier.create(this.records.set("svc/delete", 3, json("{'again':true}"), "w").map(VersionedRecord::version))
			.expectNext(3L)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.delete("svc/delete-missing", "w"))
			.expectError(RecordNotFoundException.class)
			.verify(TIMEOUT);
	}

	@Test
	void changesAreAnnouncedOnlyAfterTheWriteIsDurableWithTheirOrigin() {
		StepVerifier.create(this.records.changes().take(2))
			.then(() -> this.records.set("svc/feed", 1, json("{'a':1}"), "conn-7")
				.then(this.records.patch("svc/feed", 2, "b", json("2"), null))
				.subscribe())
			.assertNext((change) -> {
				assertThat(change.kind()).isEqualTo(RecordChange.Kind.SET);
				assertThat(change.origin()).isEqualTo("conn-7");
				assertThat(this.store.find("svc/feed").block(TIMEOUT)).isNotNull();
			})
			.assertNext((change) -> {
				assertThat(change.kind()).isEqualTo(RecordChange.Kind.PATCH);
				assertThat(change.path()).isEqualTo("b");
				assertThat(change.value()).isEqualTo(json("2"));
				assertThat(change.version()).isEqualTo(2);
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aWriteTheStoreRefusesFailsAndLeavesNoTraceInTheCache() {
		this.records.set("svc/fail", 1, json("{'ok':1}"), "w").block(TIMEOUT);
		this.store.failing.set(true);
		StepVerifier.create(this.records.set("svc/fail", 2, json("{'ok':2}"), "w"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(RecordWriteException.class)
				.hasMessageContaining("svc/fail")
				.hasMessageContaining("could not be made durable"))
			.verify(TIMEOUT);
		StepVerifier.create(this.cache.get("svc/fail")).expectComplete().verify(TIMEOUT);
		this.store.failing.set(false);
		StepVerifier.create(this.records.read("svc/fail").map(WriteThroughRecordServiceTests::text))
			.expectNext("{'ok':1}")
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.set("svc/fail", 2, json("{'ok':'retried'}"), "w").map(VersionedRecord::version))
			.expectNext(2L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void concurrentForcedWritersEachGetTheirOwnVersion() {
		int writers = 16;
		int each = 50;
		List<Mono<Long>> writes = new ArrayList<>();
		for (int i = 0; i < writers * each; i++) {
			writes.add(Mono.defer(() -> this.records.set("svc/contended", RecordService.FORCE, json("{}"), "w"))
				.subscribeOn(Schedulers.parallel())
				.map(VersionedRecord::version));
		}
		List<Long> versions = Flux.merge(writes).collectList().block(TIMEOUT);
		assertThat(versions).doesNotHaveDuplicates().hasSize(writers * each);
		assertThat(versions).allSatisfy((version) -> assertThat(version).isBetween(1L, (long) writers * each));
		StepVerifier.create(this.store.find("svc/contended").map(VersionedRecord::version))
			.expectNext((long) writers * each)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void twoNodesSharingACacheSerialiseWritesThroughItsCompareAndSet() {
		RecordService other = service("node-b", this.cache, DurableWrites.direct(this.store));
		List<Mono<Long>> writes = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			RecordService node = (i % 2 == 0) ? this.records : other;
			writes.add(Mono.defer(() -> node.set("svc/two-nodes", RecordService.FORCE, json("{}"), "w"))
				.subscribeOn(Schedulers.parallel())
				.map(VersionedRecord::version));
		}
		assertThat(Flux.merge(writes).collectList().block(TIMEOUT)).doesNotHaveDuplicates().hasSize(200);
	}

	@Test
	void anotherNodeSeesTheChangeThroughTheBus() {
		RecordService other = service("node-b", this.cache, DurableWrites.direct(this.store));
		StepVerifier.create(other.changes().take(1))
			.then(() -> this.records.set("svc/remote", 1, json("{'from':'a'}"), "conn-a").subscribe())
			.assertNext((change) -> {
				assertThat(change.name()).isEqualTo("svc/remote");
				assertThat(change.origin()).isEqualTo("conn-a");
				assertThat(text(change.record())).isEqualTo("{'from':'a'}");
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void reloadReplacesTheCachedCopyWithTheStoredOneAndAnnouncesItOnEveryNode() {
		this.records.set("svc/reload", 1, json("{'v':1}"), "w").then(this.records.set("svc/reload", 2, json("{'v':2}"), "w"))
			.block(TIMEOUT);
		// Changed in the store behind the service's back.
		this.store.upsertIfNewer(List.of(VersionedRecord.of("svc/reload", 7, "{\"v\":7}"))).block(TIMEOUT);
		RecordService other = service("node-b", this.cache, DurableWrites.direct(this.store));
		StepVerifier.create(other.changes().take(1))
			.then(() -> this.records.reload("svc/reload").subscribe())
			.assertNext((change) -> {
				assertThat(change.kind()).isEqualTo(RecordChange.Kind.SET);
				assertThat(change.version()).isEqualTo(7);
				assertThat(change.origin()).isNull();
			})
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(other.read("svc/reload").map(WriteThroughRecordServiceTests::text))
			.expectNext("{'v':7}")
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.set("svc/reload", 8, json("{'v':8}"), "w").map(VersionedRecord::version))
			.as("writes go on from the stored version")
			.expectNext(8L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void reloadOfARecordTheStoreDoesNotHoldDropsTheCachedCopyAndAnnouncesNothing() {
		this.cache.compareAndSet(0, VersionedRecord.of("svc/unstored", 3, "{}")).block(TIMEOUT);
		StepVerifier.create(this.records.reload("svc/unstored")).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.cache.get("svc/unstored")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void afterCacheLossAMissWaitsForTheQueueToDrainSoVersionsNeverRepeat() {
		InMemoryStorageQueue queue = new InMemoryStorageQueue();
		RecordService writer = service("node-q", this.cache, DurableWrites.through(queue));
		writer.set("svc/queued", 1, json("{'v':1}"), "w").then(writer.set("svc/queued", 2, json("{'v':2}"), "w"))
			.block(TIMEOUT);
		RecordService afterLoss = service("node-q2", new InMemoryRecordCache(), DurableWrites.through(queue));
		StepVerifier.withVirtualTime(() -> afterLoss.read("svc/queued").map(VersionedRecord::version))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(300))
			.then(() -> drainOnce(queue))
			.expectNext(2L)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(afterLoss.set("svc/queued", 2, json("{'v':'reused'}"), "w"))
			.expectError(VersionExistsException.class)
			.verify(TIMEOUT);
	}

	@Test
	void aSetOnARecordTheCacheLostIsJudgedAgainstTheStore() {
		this.records.set("svc/lost", 1, json("{'v':1}"), "w").then(this.records.set("svc/lost", 2, json("{'v':2}"), "w"))
			.block(TIMEOUT);
		RecordService afterLoss = service("node-l", new InMemoryRecordCache(), DurableWrites.direct(this.store));
		StepVerifier.create(afterLoss.set("svc/lost", 2, json("{'v':'reused'}"), "w"))
			.expectError(VersionExistsException.class)
			.verify(TIMEOUT);
		StepVerifier.create(service("node-l2", new InMemoryRecordCache(), DurableWrites.direct(this.store))
			.set("svc/lost", 4, json("{}"), "w"))
			.expectError(InvalidVersionException.class)
			.verify(TIMEOUT);
		StepVerifier.create(service("node-l3", new InMemoryRecordCache(), DurableWrites.direct(this.store))
			.set("svc/lost", 3, json("{'v':3}"), "w")
			.map(VersionedRecord::version))
			.expectNext(3L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aMissThatTheQueueNeverDrainsFailsClearlyInsteadOfHanging() {
		InMemoryStorageQueue queue = new InMemoryStorageQueue();
		RecordService writer = service("node-q", this.cache, DurableWrites.through(queue));
		writer.set("svc/undrained", 1, json("{}"), "w").block(TIMEOUT);
		MessageBus bus = new InMemoryMessageBus("node-q3", this.medium);
		RecordService impatient = new WriteThroughRecordService(new InMemoryRecordCache(), this.store,
				DurableWrites.through(queue), new RecordChangeFeed(bus), new RecordJson(64), 16, Duration.ofMillis(200));
		StepVerifier.create(impatient.read("svc/undrained"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(RecordUnavailableException.class)
				.hasMessageContaining("storage worker"))
			.verify(TIMEOUT);
	}

	@Test
	void aMissOfARecordWithNothingQueuedReadsTheStoreWithoutWaitingForItsPartition() {
		// One partition, never drained: another record's write stays queued there.
		InMemoryStorageQueue queue = new InMemoryStorageQueue(1, 64);
		service("node-p", this.cache, DurableWrites.through(queue)).set("svc/busy", 1, json("{}"), "w").block(TIMEOUT);
		this.store.upsertIfNewer(List.of(VersionedRecord.of("svc/stored", 2, "{\"in\":\"store\"}"))).block(TIMEOUT);
		MessageBus bus = new InMemoryMessageBus("node-p2", this.medium);
		RecordService afterLoss = new WriteThroughRecordService(new InMemoryRecordCache(), this.store,
				DurableWrites.through(queue), new RecordChangeFeed(bus), new RecordJson(64), 16, Duration.ofMillis(200));
		StepVerifier.create(afterLoss.read("svc/stored").map(VersionedRecord::version))
			.expectNext(2L)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(afterLoss.create("svc/new").map(VersionedRecord::version))
			.expectNext(0L)
			.expectComplete()
			.verify(TIMEOUT);
		// The queued record itself still waits for the queue.
		StepVerifier.create(afterLoss.read("svc/busy"))
			.expectError(RecordUnavailableException.class)
			.verify(TIMEOUT);
	}

	private void drainOnce(StorageQueue queue) {
		queue.consume()
			.take(1)
			.concatMap((batch) -> this.store.upsertIfNewer(batch.writes()).then(batch.commit()))
			.blockLast(TIMEOUT);
	}

	/** The in-memory store, with a switch that makes its writes fail as an unreachable database's would. */
	private static final class FailableStore extends ForwardingRecordStore {

		private final AtomicBoolean failing = new AtomicBoolean();

		FailableStore(RecordStore delegate) {
			super(delegate);
		}

		@Override
		public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
			return this.failing.get() ? Mono.error(new ConnectorException("test", "database unreachable"))
					: super.upsertIfNewer(records);
		}

	}

}
