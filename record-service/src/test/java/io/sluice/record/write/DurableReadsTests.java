package io.sluice.record.write;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
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

/**
 * A read finds what the cache holds, which may be a version whose durable write is still under way (the storage
 * queue slow or down): it is answered only once that version is durable and announced, so that no reader is told of a
 * version storage may not get, nor of one the change feed has not told of yet.
 */
class DurableReadsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final RecordCache cache = new InMemoryRecordCache();

	private final RecordStore store = new InMemoryRecordStore();

	private final HeldDurableWrites held = new HeldDurableWrites(this.store);

	private final RecordService records = new WriteThroughRecordService(this.cache, this.store, this.held,
			new RecordChangeFeed(new InMemoryMessageBus("node-r", new InMemoryMessageBus.Medium())), new RecordJson(64),
			16, Duration.ofSeconds(5));

	@Test
	void aVersionStillBeingMadeDurableIsReadOnlyOnceItIsDurableAndAnnounced() {
		List<String> told = new CopyOnWriteArrayList<>();
		Disposable feed = this.records.changes().subscribe((change) -> told.add("announced v" + change.version()));
		try {
			this.records.set("read/held", 1, "{\"v\":1}".getBytes(), "w")
				.subscribe((record) -> told.add("written v" + record.version()));
			this.records.read("read/held").subscribe((record) -> told.add("read v" + record.version()));
			this.records.head("read/held").subscribe((version) -> told.add("head v" + version));
			assertThat(this.held.versions("read/held")).containsExactly(1L);
			assertThat(told).as("nothing is told before the write is durable").isEmpty();

			this.held.release("read/held", 1);
			assertThat(told).first().isEqualTo("announced v1");
			assertThat(told).containsExactlyInAnyOrder("announced v1", "written v1", "read v1", "head v1");
		}
		finally {
			feed.dispose();
		}
	}

	@Test
	void aReadOfAVersionThatCouldNotBeMadeDurableAnswersWhatStorageHolds() {
		this.records.set("read/lost", 1, "{\"v\":1}".getBytes(), "w").subscribe();
		this.held.release("read/lost", 1);
		List<String> told = new CopyOnWriteArrayList<>();
		this.records.set("read/lost", 2, "{\"v\":2}".getBytes(), "w")
			.subscribe(null, (error) -> told.add("write failed"));
		this.records.read("read/lost").subscribe((record) -> told.add("read " + record.json()),
				(error) -> told.add("read failed: " + error));
		assertThat(told).isEmpty();

		this.held.fail("read/lost", 2, "disk full");
		assertThat(told).containsExactly("write failed", "read {\"v\":1}");
		StepVerifier.create(this.records.read("read/lost").map(VersionedRecord::version))
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
	}

}
