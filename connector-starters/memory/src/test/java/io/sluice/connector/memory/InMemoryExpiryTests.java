package io.sluice.connector.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.tck.SettableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** Expiry and retention by age, on a clock the tests move. */
class InMemoryExpiryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));

	@Test
	void cachedRecordDisappearsAtItsExpiryAndCountsAsNeverWrittenAfter() {
		InMemoryRecordCache cache = new InMemoryRecordCache(this.clock);
		VersionedRecord record = new VersionedRecord("r", 4, new byte[] { '{', '}' }, false,
				this.clock.instant().plusSeconds(10));
		assertThat(cache.compareAndSet(0, record).block(TIMEOUT).won()).isTrue();
		this.clock.advance(Duration.ofSeconds(9));
		StepVerifier.create(cache.get("r")).expectNext(record).expectComplete().verify(TIMEOUT);
		this.clock.advance(Duration.ofSeconds(1));
		StepVerifier.create(cache.get("r")).expectComplete().verify(TIMEOUT);
		assertThat(cache.compareAndSet(4, VersionedRecord.of("r", 5, "{}")).block(TIMEOUT).won()).isFalse();
		assertThat(cache.compareAndSet(0, VersionedRecord.of("r", 1, "{}")).block(TIMEOUT).won()).isTrue();
	}

	@Test
	void expiredStoredRecordStillGuardsItsVersion() {
		InMemoryRecordStore store = new InMemoryRecordStore(this.clock);
		VersionedRecord expiring = new VersionedRecord("r", 3, new byte[] { '{', '}' }, false,
				this.clock.instant().plusSeconds(1));
		store.upsertIfNewer(List.of(expiring)).block(TIMEOUT);
		this.clock.advance(Duration.ofSeconds(1));
		// Still found, with its version, but never scanned, and due.
		StepVerifier.create(store.find("r")).expectNext(expiring).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.scan("r")).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.findExpired(this.clock.instant(), 10)).expectNext(expiring).expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(store.upsertIfNewer(List.of(VersionedRecord.of("r", 2, "{}"))))
			.expectNext(0)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(store.upsertIfNewer(List.of(VersionedRecord.of("r", 4, "{}"))))
			.expectNext(1)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void retentionByAgeDropsOlderEventsAndKeepsOffsets() {
		InMemoryStreamHistory history = new InMemoryStreamHistory(this.clock);
		Retention minute = new Retention(100, Duration.ofMinutes(1));
		for (int i = 0; i < 3; i++) {
			history.append("s", new byte[] { (byte) i }, minute).block(TIMEOUT);
			this.clock.advance(Duration.ofSeconds(40));
		}
		// Now at 120 s: the events of 0 s and 40 s are older than a minute, the one of 80 s is not.
		HistoryEntry latest = history.append("s", new byte[] { 3 }, minute).block(TIMEOUT);
		assertThat(latest.offset()).isEqualTo(4);
		StepVerifier.create(history.from("s", 1, 10).map(HistoryEntry::offset).collectList())
			.expectNext(List.of(3L, 4L))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void timestampsNeverGoBackwardsWhenTheClockDoes() {
		InMemoryStreamHistory history = new InMemoryStreamHistory(this.clock);
		HistoryEntry first = history.append("s", new byte[0], Retention.entries(10)).block(TIMEOUT);
		this.clock.advance(Duration.ofSeconds(-5));
		HistoryEntry second = history.append("s", new byte[0], Retention.entries(10)).block(TIMEOUT);
		assertThat(second.timestamp()).isEqualTo(first.timestamp());
		StepVerifier.create(history.since("s", first.timestamp(), 10).collectList())
			.expectNext(List.of(first, second))
			.expectComplete()
			.verify(TIMEOUT);
	}

}
