package io.sluice.record.write;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.InMemoryRecordCache;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.record.RecordService;
import io.sluice.record.feed.RecordChangeFeed;
import io.sluice.record.write.DurablePipelineTests.HeldDurableWrites;

import static org.assertj.core.api.Assertions.assertThat;

/** Opening a record creates it, as deepstream does: over the real in-memory connectors. */
class RecordCreationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();

	private final RecordCache cache = new InMemoryRecordCache();

	private final RecordStore store = new InMemoryRecordStore();

	private final RecordService records = service("node-a", this.cache, DurableWrites.direct(this.store));

	private RecordService service(String node, RecordCache cache, DurableWrites durable) {
		return new WriteThroughRecordService(cache, this.store, durable,
				new RecordChangeFeed(new InMemoryMessageBus(node, this.medium)), new RecordJson(64), 16,
				Duration.ofSeconds(5));
	}

	@Test
	void openingARecordNeverWrittenCreatesItEmptyAtVersionZeroInCacheAndStore() {
		StepVerifier.create(this.records.has("create/new")).expectNext(false).expectComplete().verify(TIMEOUT);
		VersionedRecord created = VersionedRecord.of("create/new", 0, "{}");
		StepVerifier.create(this.records.create("create/new")).expectNext(created).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.store.find("create/new")).expectNext(created).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.has("create/new")).expectNext(true).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.head("create/new")).expectNext(0L).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.read("create/new")).expectNext(created).expectComplete().verify(TIMEOUT);
		// The first write builds on it as on any version.
		StepVerifier.create(this.records.patch("create/new", 1, "a", "1".getBytes(), "w").map(VersionedRecord::json))
			.expectNext("{\"a\":1}")
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void openingAnExistingRecordLeavesItUntouched() {
		VersionedRecord written = this.records.set("create/existing", 1, "{\"v\":1}".getBytes(), "w").block(TIMEOUT);
		StepVerifier.create(this.records.create("create/existing")).expectNext(written).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.store.find("create/existing")).expectNext(written).expectComplete().verify(TIMEOUT);
		// Also when only the store holds it (a cache that lost it): found there, not created again.
		this.store.upsertIfNewer(List.of(VersionedRecord.of("create/stored", 5, "{\"v\":5}"))).block(TIMEOUT);
		RecordService afterLoss = service("node-l", new InMemoryRecordCache(), DurableWrites.direct(this.store));
		StepVerifier.create(afterLoss.create("create/stored").map(VersionedRecord::version))
			.expectNext(5L)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.store.find("create/stored").map(VersionedRecord::version))
			.expectNext(5L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void manyOpenersOfOneNewRecordOnTwoNodesAllGetVersionZeroAndNoError() {
		RecordService other = service("node-b", this.cache, DurableWrites.direct(this.store));
		List<Mono<VersionedRecord>> opens = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			RecordService node = (i % 2 == 0) ? this.records : other;
			opens.add(Mono.defer(() -> node.create("create/raced")).subscribeOn(Schedulers.parallel()));
		}
		assertThat(Flux.merge(opens).collectList().block(TIMEOUT)).hasSize(64)
			.allSatisfy((record) -> assertThat(record).isEqualTo(VersionedRecord.of("create/raced", 0, "{}")));
		StepVerifier.create(this.records.head("create/raced")).expectNext(0L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void openingADeletedRecordCreatesItAgainAboveItsTombstone() {
		this.records.create("create/deleted").block(TIMEOUT);
		StepVerifier.create(this.records.delete("create/deleted", "w").map(VersionedRecord::version))
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.has("create/deleted")).expectNext(false).expectComplete().verify(TIMEOUT);
		VersionedRecord again = VersionedRecord.of("create/deleted", 2, "{}");
		StepVerifier.create(this.records.create("create/deleted")).expectNext(again).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.store.find("create/deleted")).expectNext(again).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.head("create/deleted")).expectNext(2L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void subscribersAreNotToldOfACreation() {
		List<String> heard = new CopyOnWriteArrayList<>();
		StepVerifier.create(this.records.changes().take(1).doOnNext((change) -> heard.add(change.kind() + " v"
				+ change.version())))
			.then(() -> this.records.create("create/quiet").then(this.records.set("create/quiet", 1, "{}".getBytes(), "w"))
				.subscribe())
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(heard).containsExactly("SET v1");
	}

	@Test
	void anOpenerIsAnsweredOnlyOnceTheCreationIsDurableAndFailsWithIt() {
		HeldDurableWrites held = new HeldDurableWrites(this.store);
		RecordService records = service("node-h", this.cache, held);
		List<String> told = new CopyOnWriteArrayList<>();
		for (String opener : List.of("first", "second")) {
			records.create("create/held").subscribe((record) -> told.add(opener + " v" + record.version()),
					(error) -> told.add(opener + " failed"));
		}
		assertThat(held.versions("create/held")).containsExactly(0L);
		assertThat(told).as("nothing is told before the creation is durable").isEmpty();
		held.release("create/held", 0);
		assertThat(told).containsExactly("first v0", "second v0");

		records.create("create/lost").subscribe((record) -> told.add("lost v" + record.version()),
				(error) -> told.add("lost failed: " + error.getClass().getSimpleName()));
		records.create("create/lost").subscribe((record) -> told.add("waiter v" + record.version()),
				(error) -> told.add("waiter failed: " + error.getClass().getSimpleName()));
		held.fail("create/lost", 0, "disk full");
		assertThat(told).endsWith("lost failed: RecordWriteException", "waiter failed: RecordWriteException");
		StepVerifier.create(records.has("create/lost")).as("no trace in the cache").expectNext(false)
			.expectComplete().verify(TIMEOUT);
		// Opened again once storage works: created.
		records.create("create/lost").subscribe((record) -> told.add("retry v" + record.version()));
		assertThat(held.versions("create/lost")).containsExactly(0L, 0L);
		held.release("create/lost", 0);
		assertThat(told).endsWith("retry v0");
	}

}
