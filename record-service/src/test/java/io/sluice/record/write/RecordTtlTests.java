package io.sluice.record.write;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.sluice.connector.RecordCache;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.InMemoryRecordCache;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.tck.SettableClock;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.VersionExistsException;
import io.sluice.record.feed.RecordChangeFeed;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records that expire, over the real in-memory connectors, on a clock the test moves: expiry is a delete (a
 * tombstone one version above, announced), enforced by any access and by the sweep.
 */
class RecordTtlTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration TTL = Duration.ofSeconds(30);

	private final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T12:00:00Z"));

	private final InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();

	private final InMemoryRecordStore store = new InMemoryRecordStore(this.clock);

	private final RecordCache cache = new InMemoryRecordCache(this.clock);

	private final WriteThroughRecordService records = service("node-a", this.cache);

	private final List<RecordChange> changes = new CopyOnWriteArrayList<>();

	private final Disposable listening = this.records.changes().subscribe(this.changes::add);

	@AfterEach
	void stopListening() {
		this.listening.dispose();
	}

	private WriteThroughRecordService service(String node, RecordCache cache) {
		return new WriteThroughRecordService(cache, this.store, DurableWrites.direct(this.store),
				new RecordChangeFeed(new InMemoryMessageBus(node, this.medium)), new RecordJson(64), 16,
				Duration.ofSeconds(5), new RecordExpiry(this.clock, Map.of("tmp/.*", TTL)), RecordServiceListener.NONE);
	}

	private ExpirySweep sweep(WriteThroughRecordService service, VirtualTimeScheduler scheduler) {
		return new ExpirySweep(service, service.expiry(), this.store, Duration.ofSeconds(1), 100, scheduler);
	}

	/** Moves the clock and the sweep's virtual time together. */
	private void elapse(VirtualTimeScheduler time, Duration duration) {
		this.clock.advance(duration);
		time.advanceTimeBy(duration);
	}

	private static byte[] json(String text) {
		return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
	}

	private VersionedRecord written(String name, long version, String json) {
		return this.records.set(name, version, json(json), "writer").block(TIMEOUT);
	}

	@Test
	void everyWriteToANameWithARuleRenewsItsDeadline() {
		Instant start = this.clock.instant();
		assertThat(written("tmp/renewed", 1, "{'v':1}").expiresAt()).isEqualTo(start.plus(TTL));
		this.clock.advance(Duration.ofSeconds(20));
		assertThat(written("tmp/renewed", 2, "{'v':2}").expiresAt()).isEqualTo(start.plusSeconds(20).plus(TTL));
		this.clock.advance(Duration.ofSeconds(20));
		StepVerifier.create(this.records.head("tmp/renewed")).expectNext(2L).expectComplete().verify(TIMEOUT);
		assertThat(written("users/kept", 1, "{}").expiresAt()).isNull();
	}

	@Test
	void aWriteOwnTimeToLiveSetsTheDeadlineWhateverTheRules() {
		VersionedRecord set = this.records.set("users/own", 1, json("{}"), "w", Duration.ofSeconds(5)).block(TIMEOUT);
		assertThat(set.expiresAt()).isEqualTo(this.clock.instant().plusSeconds(5));
		VersionedRecord patched = this.records.patch("tmp/own", 1, "a", json("1"), "w", Duration.ofHours(1))
			.block(TIMEOUT);
		assertThat(patched.expiresAt()).isEqualTo(this.clock.instant().plus(Duration.ofHours(1)));
		this.clock.advance(Duration.ofSeconds(5));
		StepVerifier.create(this.records.has("users/own")).expectNext(false).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.has("tmp/own")).expectNext(true).expectComplete().verify(TIMEOUT);
	}

	@Test
	void pastItsDeadlineARecordReadsAsDeletedAndTheSweepDeletesItAsADeleteWould() {
		written("tmp/gone", 1, "{'v':1}");
		written("tmp/gone", 2, "{'v':2}");
		this.clock.advance(TTL);
		StepVerifier.create(this.records.read("tmp/gone"))
			.expectNext(VersionedRecord.tombstone("tmp/gone", 3))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.records.has("tmp/gone")).expectNext(false).expectComplete().verify(TIMEOUT);
		StepVerifier.create(sweep(this.records, VirtualTimeScheduler.create()).sweep())
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.changes).last().satisfies((change) -> {
			assertThat(change.kind()).isEqualTo(RecordChange.Kind.DELETE);
			assertThat(change.record()).isEqualTo(VersionedRecord.tombstone("tmp/gone", 3));
			assertThat(change.origin()).isNull();
		});
		// Gone everywhere: the cache and the store hold the tombstone, without the data.
		StepVerifier.create(this.cache.get("tmp/gone"))
			.expectNext(VersionedRecord.tombstone("tmp/gone", 3))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.store.find("tmp/gone"))
			.expectNext(VersionedRecord.tombstone("tmp/gone", 3))
			.expectComplete()
			.verify(TIMEOUT);
		// Once is enough: the next sweep finds nothing to do.
		StepVerifier.create(sweep(this.records, VirtualTimeScheduler.create()).sweep())
			.expectNext(0L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aStaleWriterGetsVersionExistsAfterExpiryEvenBeforeTheSweep() {
		written("tmp/stale", 1, "{'v':1}");
		written("tmp/stale", 2, "{'v':2}");
		this.clock.advance(TTL);
		// A client that still holds version 2 writes 3: the expiry took version 3 first.
		StepVerifier.create(this.records.set("tmp/stale", 3, json("{'v':'stale'}"), "stale"))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(VersionExistsException.class)
				.extracting((ex) -> ((VersionExistsException) ex).current())
				.isEqualTo(VersionedRecord.tombstone("tmp/stale", 3)))
			.verify(TIMEOUT);
		assertThat(this.changes).extracting(RecordChange::kind)
			.containsExactly(RecordChange.Kind.SET, RecordChange.Kind.SET, RecordChange.Kind.DELETE);
		// A client that saw the delete writes on above the tombstone: versions never go back.
		assertThat(written("tmp/stale", 4, "{'v':4}").version()).isEqualTo(4);
	}

	@Test
	void openingAnExpiredRecordCreatesItAgainAboveItsTombstone() {
		written("tmp/reopened", 1, "{'v':1}");
		this.clock.advance(TTL);
		StepVerifier.create(this.records.create("tmp/reopened"))
			.assertNext((record) -> {
				assertThat(record.version()).isEqualTo(3);
				assertThat(record.json()).isEqualTo("{}");
				assertThat(record.expiresAt()).isEqualTo(this.clock.instant().plus(TTL));
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.changes).extracting(RecordChange::kind)
			.containsExactly(RecordChange.Kind.SET, RecordChange.Kind.DELETE);
	}

	@Test
	void deletingAnExpiredRecordFindsNothingToDelete() {
		written("tmp/deleted", 1, "{}");
		this.clock.advance(TTL);
		StepVerifier.create(this.records.delete("tmp/deleted", "w"))
			.expectError(RecordNotFoundException.class)
			.verify(TIMEOUT);
		assertThat(this.changes).extracting(RecordChange::kind)
			.containsExactly(RecordChange.Kind.SET, RecordChange.Kind.DELETE);
	}

	@Test
	void aRecordKnownOnlyToTheStoreIsExpiredByTheSweepAfterARestart() {
		written("tmp/restarted", 1, "{}");
		// Another process over the same store, with an empty cache and no deadlines remembered.
		WriteThroughRecordService restarted = service("node-b", new InMemoryRecordCache(this.clock));
		assertThat(restarted.expiry().remembered()).isZero();
		this.clock.advance(TTL);
		StepVerifier.create(sweep(restarted, VirtualTimeScheduler.create()).sweep())
			.expectNext(1L)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.store.find("tmp/restarted"))
			.expectNext(VersionedRecord.tombstone("tmp/restarted", 2))
			.expectComplete()
			.verify(TIMEOUT);
		// Node a hears of it over the bus, as of any delete.
		assertThat(this.changes).last().extracting(RecordChange::kind).isEqualTo(RecordChange.Kind.DELETE);
	}

	@Test
	void twoNodesSweepingOneRecordDeleteItOnceAndBothHearOfItOnce() {
		// A second node sharing the cache, store and bus, as nodes of a cluster do.
		WriteThroughRecordService other = service("node-b", this.cache);
		List<RecordChange> heardByOther = new CopyOnWriteArrayList<>();
		Disposable otherListening = other.changes().subscribe(heardByOther::add);
		try {
			written("tmp/clustered", 1, "{}");
			this.clock.advance(TTL);
			long expired = sweep(this.records, VirtualTimeScheduler.create()).sweep()
				.concatWith(sweep(other, VirtualTimeScheduler.create()).sweep())
				.reduce(0L, Long::sum)
				.block(TIMEOUT);
			assertThat(expired).isEqualTo(1);
			for (List<RecordChange> heard : List.of(this.changes, heardByOther)) {
				assertThat(heard).filteredOn((change) -> change.kind() == RecordChange.Kind.DELETE)
					.singleElement()
					.extracting(RecordChange::record)
					.isEqualTo(VersionedRecord.tombstone("tmp/clustered", 2));
			}
		}
		finally {
			otherListening.dispose();
		}
	}

	@Test
	void theSweepRunsEveryIntervalSoARecordOutlivesItsDeadlineByAtMostOneInterval() {
		VirtualTimeScheduler time = VirtualTimeScheduler.create();
		ExpirySweep sweep = sweep(this.records, time);
		sweep.start();
		try {
			// Ticks at whole seconds; the record is written half-way between two, so its deadline falls between two.
			elapse(time, Duration.ofMillis(500));
			written("tmp/swept", 1, "{}");
			elapse(time, TTL.minusMillis(500));
			StepVerifier.create(this.store.find("tmp/swept").map(VersionedRecord::deleted))
				.expectNext(false)
				.expectComplete()
				.verify(TIMEOUT);
			// Past the deadline, it reads as deleted at once; the next tick deletes it, and subscribers hear of it.
			elapse(time, Duration.ofMillis(500));
			StepVerifier.create(this.records.has("tmp/swept")).expectNext(false).expectComplete().verify(TIMEOUT);
			elapse(time, Duration.ofMillis(499));
			assertThat(this.changes).extracting(RecordChange::kind).containsExactly(RecordChange.Kind.SET);
			elapse(time, Duration.ofMillis(1));
			StepVerifier.create(this.store.find("tmp/swept"))
				.expectNext(VersionedRecord.tombstone("tmp/swept", 2))
				.expectComplete()
				.verify(TIMEOUT);
			assertThat(this.changes).extracting(RecordChange::kind)
				.containsExactly(RecordChange.Kind.SET, RecordChange.Kind.DELETE);
		}
		finally {
			sweep.stop();
		}
	}

}
