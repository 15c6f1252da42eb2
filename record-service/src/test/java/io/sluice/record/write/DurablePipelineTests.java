package io.sluice.record.write;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.InMemoryRecordCache;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.memory.InMemoryStorageQueue;
import io.sluice.connector.tck.ForwardingRecordStore;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordService;
import io.sluice.record.RecordWriteException;
import io.sluice.record.feed.RecordChangeFeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One record's writes pipelined through the record service: the version is decided in the lane, the durable write
 * goes on outside it, and writers and subscribers are told in version order, each once durable. The durable writes
 * are held and released (or failed) by the test, one by one, over the real in-memory cache, store and bus.
 */
class DurablePipelineTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final RecordCache cache = new InMemoryRecordCache();

	private final RecordStore store = new InMemoryRecordStore();

	private final HeldDurableWrites durable = new HeldDurableWrites(this.store);

	private final RecordService records = service(this.durable);

	/** What the writers were told and what subscribers heard, in the order it happened. */
	private final List<String> told = new CopyOnWriteArrayList<>();

	private RecordService service(DurableWrites durableWrites) {
		return new WriteThroughRecordService(this.cache, this.store, durableWrites,
				new RecordChangeFeed(new InMemoryMessageBus("node-p", new InMemoryMessageBus.Medium())),
				new RecordJson(64), 16, Duration.ofSeconds(5));
	}

	private static byte[] json(String text) {
		return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
	}

	/** Subscribes to a write now, as the gateway does, noting its answer when it comes. */
	private void write(String name, long version, String data) {
		this.records.set(name, version, json(data), "w")
			.subscribe((record) -> this.told.add("ok v" + record.version()),
					(error) -> this.told.add("failed: " + error.getMessage()));
	}

	private Disposable listen(String name) {
		return this.records.changes()
			.filter((change) -> change.name().equals(name))
			.subscribe((change) -> this.told.add("announced v" + change.version()));
	}

	private long cachedVersion(String name) {
		VersionedRecord cached = this.cache.get(name).block(TIMEOUT);
		return (cached != null) ? cached.version() : 0;
	}

	private long storedVersion(String name) {
		VersionedRecord stored = this.store.find(name).block(TIMEOUT);
		return (stored != null) ? stored.version() : 0;
	}

	/**
	 * Versions {@code from} to {@code to} were announced in version order and their writers answered in version
	 * order, each writer after its change was announced.
	 */
	private void assertToldInVersionOrder(long from, long to) {
		List<String> announced = new ArrayList<>();
		List<String> answered = new ArrayList<>();
		for (long version = from; version <= to; version++) {
			announced.add("announced v" + version);
			answered.add("ok v" + version);
			assertThat(this.told.indexOf("announced v" + version)).isLessThan(this.told.indexOf("ok v" + version));
		}
		assertThat(this.told).filteredOn((line) -> line.startsWith("announced")).containsExactlyElementsOf(announced);
		assertThat(this.told).filteredOn((line) -> !line.startsWith("announced")).containsExactlyElementsOf(answered);
	}

	@Test
	void theNextWriteIsDecidedWhileThePreviousIsStillBecomingDurable() {
		Disposable feed = listen("pipe/next");
		write("pipe/next", 1, "{'v':1}");
		write("pipe/next", 2, "{'v':2}");
		write("pipe/next", 3, "{'v':3}");
		// All three versions were decided although the first is not durable yet; only it has been handed on.
		assertThat(cachedVersion("pipe/next")).isEqualTo(3);
		assertThat(this.durable.versions("pipe/next")).containsExactly(1L);
		assertThat(this.told).isEmpty();

		this.durable.release("pipe/next", 1);
		assertThat(this.told).containsExactly("announced v1", "ok v1");
		// What waited meanwhile goes on together, as its newest version.
		assertThat(this.durable.versions("pipe/next")).containsExactly(1L, 3L);

		this.durable.release("pipe/next", 3);
		assertToldInVersionOrder(1, 3);
		assertThat(storedVersion("pipe/next")).isEqualTo(3);
		feed.dispose();
	}

	@Test
	void forcedWritesBuildOnEachOtherWithoutWaitingForDurability() {
		Disposable feed = listen("pipe/forced");
		for (int i = 0; i < 4; i++) {
			write("pipe/forced", RecordService.FORCE, "{'i':" + i + "}");
		}
		assertThat(cachedVersion("pipe/forced")).isEqualTo(4);
		assertThat(this.durable.versions("pipe/forced")).containsExactly(1L);
		this.durable.release("pipe/forced", 1);
		this.durable.release("pipe/forced", 4);
		assertToldInVersionOrder(1, 4);
		StepVerifier.create(this.records.read("pipe/forced").map(VersionedRecord::json))
			.expectNext("{\"i\":3}")
			.expectComplete()
			.verify(TIMEOUT);
		feed.dispose();
	}

	@Test
	void aFailureFailsEveryVersionBuiltOnItAndTakesTheCacheBackToWhatStorageHolds() {
		Disposable feed = listen("pipe/fail");
		write("pipe/fail", 1, "{'v':1}");
		write("pipe/fail", 2, "{'v':2}");
		write("pipe/fail", 3, "{'v':3}");
		this.durable.release("pipe/fail", 1);
		// v2 and v3 are in flight together now; v4 and v5 are decided on top of them and wait.
		write("pipe/fail", 4, "{'v':4}");
		write("pipe/fail", 5, "{'v':5}");
		assertThat(cachedVersion("pipe/fail")).isEqualTo(5);

		this.durable.fail("pipe/fail", 3, "disk full");

		assertThat(this.told).containsExactly("announced v1", "ok v1",
				"failed: Write of record 'pipe/fail' v2 could not be made durable: test: disk full",
				"failed: Write of record 'pipe/fail' v3 could not be made durable: test: disk full",
				"failed: Write of record 'pipe/fail' v4 was not made durable: it was built on v2, "
						+ "which could not be: test: disk full",
				"failed: Write of record 'pipe/fail' v5 was not made durable: it was built on v2, "
						+ "which could not be: test: disk full");
		// v4 and v5 were never handed on, so nothing newer than v1 can reach storage; the cache no longer holds v5.
		assertThat(this.durable.versions("pipe/fail")).containsExactly(1L, 3L);
		assertThat(storedVersion("pipe/fail")).isEqualTo(1);
		assertThat(cachedVersion("pipe/fail")).isZero();

		// The record goes on from what storage holds: the next write is v2 again.
		this.told.clear();
		write("pipe/fail", 2, "{'v':'2 again'}");
		this.durable.release("pipe/fail", 2);
		assertThat(this.told).containsExactly("announced v2", "ok v2");
		StepVerifier.create(this.records.read("pipe/fail").map(VersionedRecord::json))
			.expectNext("{\"v\":\"2 again\"}")
			.expectComplete()
			.verify(TIMEOUT);
		feed.dispose();
	}

	@Test
	void aWriteThatWinsItsCompareAndSetWhileAFailureIsBeingRecoveredFromFailsToo() {
		HeldCache held = new HeldCache(this.cache);
		RecordService records = new WriteThroughRecordService(held, this.store, this.durable,
				new RecordChangeFeed(new InMemoryMessageBus("node-h", new InMemoryMessageBus.Medium())),
				new RecordJson(64), 16, Duration.ofSeconds(5));
		List<String> answers = new CopyOnWriteArrayList<>();
		for (int version = 1; version <= 2; version++) {
			note(records.set("pipe/racing", version, json("{}"), "w"), answers);
		}
		this.durable.release("pipe/racing", 1);
		// v3 is in the lane, its compare-and-set under way, when v2's durable write fails.
		held.holdNextCompareAndSet();
		note(records.set("pipe/racing", 3, json("{}"), "w"), answers);
		this.durable.fail("pipe/racing", 2, "disk full");
		assertThat(answers).containsExactly("ok v1");
		held.releaseCompareAndSet();
		assertThat(answers).containsExactly("ok v1",
				"Write of record 'pipe/racing' v2 could not be made durable: test: disk full",
				"Write of record 'pipe/racing' v3 was not made durable: it was built on v2, which could not be: test: "
						+ "disk full");
		assertThat(this.durable.versions("pipe/racing")).containsExactly(1L, 2L);
		assertThat(cachedVersion("pipe/racing")).isZero();
		assertThat(storedVersion("pipe/racing")).isEqualTo(1);
	}

	/** Subscribes to a write now, noting its answer when it comes. */
	private static void note(Mono<VersionedRecord> write, List<String> answers) {
		write.subscribe((record) -> answers.add("ok v" + record.version()), (error) -> answers.add(error.getMessage()));
	}

	@Test
	void aWriteAlreadyDurableStaysAcknowledgedWhenALaterOneFails() {
		write("pipe/later", 1, "{'v':1}");
		write("pipe/later", 2, "{'v':2}");
		this.durable.release("pipe/later", 1);
		this.durable.fail("pipe/later", 2, "timeout");
		assertThat(this.told).containsExactly("ok v1",
				"failed: Write of record 'pipe/later' v2 could not be made durable: test: timeout");
		assertThat(storedVersion("pipe/later")).isEqualTo(1);
		StepVerifier.create(this.records.read("pipe/later").map(VersionedRecord::version))
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void otherRecordsAreNotHeldUpByOneRecordsDurableWrite() {
		write("pipe/slow", 1, "{}");
		write("pipe/fast", 1, "{}");
		write("pipe/fast", 2, "{}");
		assertThat(this.durable.versions("pipe/fast")).containsExactly(1L);
		this.durable.release("pipe/fast", 1);
		this.durable.release("pipe/fast", 2);
		assertThat(this.told).containsExactly("ok v1", "ok v2");
		assertThat(storedVersion("pipe/slow")).isZero();
		this.durable.release("pipe/slow", 1);
		assertThat(this.told).containsExactly("ok v1", "ok v2", "ok v1");
	}

	@Test
	void aWriterThatGoesAwayDoesNotStopItsWriteBecomingDurable() {
		Disposable gone = this.records.set("pipe/gone", 1, json("{}"), "w").subscribe();
		gone.dispose();
		this.durable.release("pipe/gone", 1);
		assertThat(storedVersion("pipe/gone")).isEqualTo(1);
		assertThat(cachedVersion("pipe/gone")).isEqualTo(1);
	}

	@Test
	void aRecordWithNothingLeftToAnswerIsForgottenAfterSuccessAndAfterFailure() {
		RecordLanes lanes = new RecordLanes();
		DurablePipeline pipeline = new DurablePipeline(this.durable,
				new RecordChangeFeed(new InMemoryMessageBus("node-i", new InMemoryMessageBus.Medium())), this.cache,
				lanes);
		Mono<VersionedRecord> first = pipeline.submit(change("pipe/idle", 1));
		Mono<VersionedRecord> second = pipeline.submit(change("pipe/idle", 2));
		assertThat(pipeline.activeRecords()).isOne();
		this.durable.release("pipe/idle", 1);
		this.durable.release("pipe/idle", 2);
		StepVerifier.create(Flux.concat(first, second).map(VersionedRecord::version))
			.expectNext(1L, 2L)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(pipeline.activeRecords()).isZero();

		Mono<VersionedRecord> third = pipeline.submit(change("pipe/idle", 3));
		this.durable.fail("pipe/idle", 3, "disk full");
		StepVerifier.create(third).expectError(RecordWriteException.class).verify(TIMEOUT);
		assertThat(pipeline.activeRecords()).isZero();
		assertThat(lanes.activeLanes()).isZero();
	}

	private static RecordChange change(String name, long version) {
		return new RecordChange(RecordChange.Kind.SET, VersionedRecord.of(name, version, "{}"), null, null, "w");
	}

	@Test
	void concurrentWritersOfOneRecordAreAnsweredAndAnnouncedInVersionOrder() {
		RecordService direct = service(DurableWrites.direct(this.store));
		int writes = 400;
		List<Long> announced = new CopyOnWriteArrayList<>();
		Disposable feed = direct.changes()
			.filter((change) -> change.name().equals("pipe/contended"))
			.subscribe((change) -> announced.add(change.version()));
		List<Long> answered = new CopyOnWriteArrayList<>();
		List<Mono<VersionedRecord>> all = new ArrayList<>();
		for (int i = 0; i < writes; i++) {
			all.add(Mono.defer(() -> direct.set("pipe/contended", RecordService.FORCE, json("{}"), "w"))
				.subscribeOn(Schedulers.parallel())
				.doOnNext((record) -> answered.add(record.version())));
		}
		StepVerifier.create(Flux.merge(all).count()).expectNext((long) writes).expectComplete().verify(TIMEOUT);
		List<Long> everyVersion = new ArrayList<>();
		for (long version = 1; version <= writes; version++) {
			everyVersion.add(version);
		}
		assertThat(answered).containsExactlyElementsOf(everyVersion);
		assertThat(announced).containsExactlyElementsOf(everyVersion);
		assertThat(storedVersion("pipe/contended")).isEqualTo(writes);
		feed.dispose();
	}

	@Test
	void aQueueIsOfferedOneRecordsVersionsInVersionOrder() {
		InMemoryStorageQueue queue = new InMemoryStorageQueue();
		RecordService queued = service(DurableWrites.through(queue));
		int writes = 300;
		List<Mono<VersionedRecord>> all = new ArrayList<>();
		for (int i = 0; i < writes; i++) {
			all.add(Mono.defer(() -> queued.set("pipe/queued", RecordService.FORCE, json("{}"), "w"))
				.subscribeOn(Schedulers.parallel()));
		}
		StepVerifier.create(Flux.merge(all).count()).expectNext((long) writes).expectComplete().verify(TIMEOUT);
		List<Long> offered = new ArrayList<>();
		queue.consume()
			.takeUntil((batch) -> batch.writes().get(batch.writes().size() - 1).version() == writes)
			.concatMap((batch) -> {
				batch.writes().forEach((write) -> offered.add(write.version()));
				return batch.commit();
			})
			.blockLast(TIMEOUT);
		List<Long> everyVersion = new ArrayList<>();
		for (long version = 1; version <= writes; version++) {
			everyVersion.add(version);
		}
		assertThat(offered).containsExactlyElementsOf(everyVersion);
	}

	@Test
	void whenAQueueTakesALaterVersionButNotAnEarlierOneTheEarlierChangeIsDurableThroughTheLaterOne() {
		HeldQueue queue = new HeldQueue();
		RecordService queued = service(DurableWrites.through(queue));
		for (int version = 1; version <= 4; version++) {
			queued.set("pipe/partial", version, json("{'v':" + version + "}"), "w")
				.subscribe((record) -> this.told.add("ok v" + record.version()),
						(error) -> this.told.add("failed: " + error.getMessage()));
		}
		queue.release(1);
		// v2 to v4 were offered back to back, in version order, once v1 was taken.
		assertThat(queue.offered()).containsExactly(1L, 2L, 3L, 4L);
		queue.fail(2, "broker unreachable");
		queue.release(3);
		queue.fail(4, "broker unreachable");
		// v3 is in the queue, and it holds v2's change: both are durable; v4 is not.
		assertThat(this.told).containsExactly("ok v1", "ok v2", "ok v3",
				"failed: Write of record 'pipe/partial' v4 could not be made durable: test: broker unreachable");
		assertThat(cachedVersion("pipe/partial")).isZero();
		assertThat(queue.taken()).containsExactly(1L, 3L);
	}

	@Test
	void oneGroupCommitTakesManyVersionsOfAHotRecord() {
		HeldStore held = new HeldStore(this.store);
		RecordService grouped = service(DurableWrites.direct(held));
		List<Long> answered = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 10; i++) {
			grouped.set("pipe/hot", RecordService.FORCE, json("{}"), "w")
				.subscribe((record) -> answered.add(record.version()));
		}
		held.gate.tryEmitEmpty();
		await().atMost(TIMEOUT).until(() -> answered.size() == 10);
		assertThat(answered).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
		// v1 alone in the first commit (held), v2..v10 together in the next, as v10.
		assertThat(held.batches).containsExactly(List.of(1L), List.of(10L));
	}

	/** Durable writes the test completes one by one; a completed one goes to the store. */
	static final class HeldDurableWrites implements DurableWrites {

		private final RecordStore store;

		private final List<Held> held = new CopyOnWriteArrayList<>();

		HeldDurableWrites(RecordStore store) {
			this.store = store;
		}

		@Override
		public Mono<Void> write(VersionedRecord record) {
			return Mono.defer(() -> {
				Held write = new Held(record, Sinks.empty());
				this.held.add(write);
				return write.gate.asMono().then(this.store.upsertIfNewer(List.of(record))).then();
			});
		}

		@Override
		public Mono<Void> drained(String name) {
			return Mono.empty();
		}

		/** The versions of {@code name} handed on so far, in order. */
		List<Long> versions(String name) {
			return this.held.stream().filter((write) -> write.record.name().equals(name))
				.map((write) -> write.record.version())
				.toList();
		}

		void release(String name, long version) {
			assertThat(find(name, version).gate.tryEmitEmpty().isSuccess()).isTrue();
		}

		void fail(String name, long version, String reason) {
			assertThat(find(name, version).gate.tryEmitError(new ConnectorException("test", reason)).isSuccess())
				.isTrue();
		}

		private Held find(String name, long version) {
			return this.held.stream()
				.filter((write) -> write.record.name().equals(name) && write.record.version() == version)
				// The latest: a version handed on again after its first attempt failed is a new write.
				.reduce((earlier, later) -> later)
				.orElseThrow(() -> new AssertionError(name + " v" + version + " was not handed on; handed on: "
						+ versions(name)));
		}

		private record Held(VersionedRecord record, Sinks.Empty<Void> gate) {
		}

	}

	/** A cache whose next compare-and-set, once armed, waits until the test lets it through. */
	private static final class HeldCache implements RecordCache {

		private final RecordCache delegate;

		private final Sinks.Empty<Void> gate = Sinks.empty();

		private volatile boolean armed;

		HeldCache(RecordCache delegate) {
			this.delegate = delegate;
		}

		void holdNextCompareAndSet() {
			this.armed = true;
		}

		void releaseCompareAndSet() {
			assertThat(this.gate.tryEmitEmpty().isSuccess()).isTrue();
		}

		@Override
		public Mono<VersionedRecord> get(String name) {
			return this.delegate.get(name);
		}

		@Override
		public Mono<CasResult> compareAndSet(long expectedVersion, VersionedRecord next) {
			Mono<CasResult> cas = this.delegate.compareAndSet(expectedVersion, next);
			if (!this.armed) {
				return cas;
			}
			this.armed = false;
			return this.gate.asMono().then(cas);
		}

		@Override
		public Mono<Boolean> evict(String name, long version) {
			return this.delegate.evict(name, version);
		}

	}

	/** An in-memory queue whose offers wait until the test lets each one through, or fails it. */
	private static final class HeldQueue implements StorageQueue {

		private final InMemoryStorageQueue delegate = new InMemoryStorageQueue();

		private final List<HeldDurableWrites.Held> held = new CopyOnWriteArrayList<>();

		private final List<Long> taken = new CopyOnWriteArrayList<>();

		@Override
		public Mono<Void> offer(VersionedRecord write) {
			return Mono.defer(() -> {
				HeldDurableWrites.Held offer = new HeldDurableWrites.Held(write, Sinks.empty());
				this.held.add(offer);
				return offer.gate()
					.asMono()
					.then(this.delegate.offer(write))
					.doOnSuccess((done) -> this.taken.add(write.version()));
			});
		}

		@Override
		public Flux<Batch> consume() {
			return this.delegate.consume();
		}

		@Override
		public Mono<Void> drained(String name) {
			return this.delegate.drained(name);
		}

		List<Long> offered() {
			return this.held.stream().map((offer) -> offer.record().version()).toList();
		}

		List<Long> taken() {
			return this.taken;
		}

		void release(long version) {
			assertThat(find(version).gate().tryEmitEmpty().isSuccess()).isTrue();
		}

		void fail(long version, String reason) {
			assertThat(find(version).gate().tryEmitError(new ConnectorException("test", reason)).isSuccess()).isTrue();
		}

		private HeldDurableWrites.Held find(long version) {
			return this.held.stream().filter((offer) -> offer.record().version() == version).findFirst().orElseThrow();
		}

	}

	/** A store whose first batch waits for a gate, noting the versions of every batch. */
	private static final class HeldStore extends ForwardingRecordStore {

		private final Sinks.Empty<Void> gate = Sinks.empty();

		private final List<List<Long>> batches = new CopyOnWriteArrayList<>();

		HeldStore(RecordStore delegate) {
			super(delegate);
		}

		@Override
		public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
			boolean first = this.batches.isEmpty();
			this.batches.add(records.stream().map(VersionedRecord::version).toList());
			Mono<Integer> write = super.upsertIfNewer(records);
			return first ? this.gate.asMono().then(write) : write;
		}

	}

}
