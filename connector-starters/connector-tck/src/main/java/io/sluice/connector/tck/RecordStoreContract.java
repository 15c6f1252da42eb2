package io.sluice.connector.tck;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.connector.RecordStore;
import io.sluice.connector.VersionedRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract of {@link RecordStore}. An adapter's test extends this class and supplies the store under test
 * through {@link #store()}, which is called once before each test. Tests may share one store (one database):
 * each uses record names under a prefix of its own.
 */
public abstract class RecordStoreContract {

	private RecordStore store;

	private String prefix;

	/** The store under test; called once before each test. */
	protected abstract RecordStore store();

	/** Whether the store honours {@link VersionedRecord#expiresAt()}; the expiry tests are skipped if not. */
	protected boolean supportsTtl() {
		return true;
	}

	/** How long any one step may take before the test fails. */
	protected Duration timeout() {
		return Duration.ofSeconds(10);
	}

	@BeforeEach
	void setUpStore() {
		this.store = store();
		this.prefix = TckNames.unique("store");
	}

	@Test
	void recordNeverStoredIsNotFound() {
		StepVerifier.create(this.store.find(this.prefix + "unknown")).expectComplete().verify(timeout());
	}

	@Test
	void emptyBatchWritesNothing() {
		StepVerifier.create(this.store.upsertIfNewer(List.of())).expectNext(0).expectComplete().verify(timeout());
	}

	@Test
	void replayingABatchWritesNothingTheSecondTime() {
		List<VersionedRecord> batch = List.of(record("a", 1, "{\"n\":1}"), record("b", 3, "{\"n\":3}"),
				record("c", 7, "[1,2,3]"));
		StepVerifier.create(this.store.upsertIfNewer(batch)).expectNext(3).expectComplete().verify(timeout());
		StepVerifier.create(this.store.upsertIfNewer(batch)).expectNext(0).expectComplete().verify(timeout());
		for (VersionedRecord record : batch) {
			StepVerifier.create(this.store.find(record.name())).expectNext(record).expectComplete().verify(timeout());
		}
	}

	@Test
	void olderOrEqualVersionAfterNewerIsIgnored() {
		VersionedRecord v2 = record("r", 2, "{\"v\":2}");
		StepVerifier.create(this.store.upsertIfNewer(List.of(v2))).expectNext(1).expectComplete().verify(timeout());
		StepVerifier.create(this.store.upsertIfNewer(List.of(record("r", 1, "{\"v\":1}"))))
			.expectNext(0)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.upsertIfNewer(List.of(record("r", 2, "{\"v\":\"same version\"}"))))
			.expectNext(0)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.find(v2.name())).expectNext(v2).expectComplete().verify(timeout());
		VersionedRecord v5 = record("r", 5, "{\"v\":5}");
		StepVerifier.create(this.store.upsertIfNewer(List.of(v5))).expectNext(1).expectComplete().verify(timeout());
		StepVerifier.create(this.store.find(v2.name())).expectNext(v5).expectComplete().verify(timeout());
	}

	@Test
	void recordCreatedAtVersionZeroIsStoredAndReplacedByItsFirstWrite() {
		VersionedRecord created = record("created", 0, "{}");
		StepVerifier.create(this.store.upsertIfNewer(List.of(created))).expectNext(1).expectComplete().verify(timeout());
		StepVerifier.create(this.store.find(created.name())).expectNext(created).expectComplete().verify(timeout());
		StepVerifier.create(this.store.upsertIfNewer(List.of(created))).expectNext(0).expectComplete().verify(timeout());
		VersionedRecord v1 = record("created", 1, "{\"v\":1}");
		StepVerifier.create(this.store.upsertIfNewer(List.of(v1))).expectNext(1).expectComplete().verify(timeout());
		StepVerifier.create(this.store.upsertIfNewer(List.of(created))).expectNext(0).expectComplete().verify(timeout());
		StepVerifier.create(this.store.find(created.name())).expectNext(v1).expectComplete().verify(timeout());
	}

	@Test
	void batchWithSeveralVersionsOfOneRecordKeepsTheHighest() {
		VersionedRecord v3 = record("multi", 3, "{\"v\":3}");
		List<VersionedRecord> batch = List.of(record("multi", 1, "{\"v\":1}"), v3, record("multi", 2, "{\"v\":2}"),
				record("other", 1, "{}"));
		StepVerifier.create(this.store.upsertIfNewer(batch))
			.assertNext((written) -> assertThat(written).isBetween(2, 4))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.find(v3.name())).expectNext(v3).expectComplete().verify(timeout());
		StepVerifier.create(this.store.upsertIfNewer(batch)).expectNext(0).expectComplete().verify(timeout());
	}

	@Test
	void concurrentWritersNeverMoveAVersionBackwards() throws Exception {
		String name = this.prefix + "raced";
		int writers = 8;
		int versions = 400;
		ExecutorService executor = Executors.newFixedThreadPool(writers + 1);
		// All writers start together, so that their writes really overlap.
		CyclicBarrier start = new CyclicBarrier(writers + 1);
		AtomicBoolean writing = new AtomicBoolean(true);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int w = 0; w < writers; w++) {
				int writer = w;
				done.add(executor.submit(() -> {
					start.await(timeout().toMillis(), TimeUnit.MILLISECONDS);
					// Interleaved versions, so the writers keep racing just above what is stored.
					for (int v = writer + 1; v <= versions; v += writers) {
						VersionedRecord write = VersionedRecord.of(name, v, "{\"v\":" + v + "}");
						List<VersionedRecord> batch = (v > writers) ? List.of(write,
								VersionedRecord.of(name, v - writers, "{\"v\":" + (v - writers) + "}"))
								: List.of(write);
						this.store.upsertIfNewer(batch).block(timeout());
					}
					return null;
				}));
			}
			// A reader watching all along: what it finds never goes backwards.
			Future<Long> reader = executor.submit(() -> {
				start.await(timeout().toMillis(), TimeUnit.MILLISECONDS);
				long highest = 0;
				while (writing.get()) {
					VersionedRecord found = this.store.find(name).block(timeout());
					long version = (found != null) ? found.version() : 0;
					assertThat(version).as("version read after %d", highest).isGreaterThanOrEqualTo(highest);
					highest = version;
				}
				return highest;
			});
			try {
				for (Future<?> future : done) {
					future.get(timeout().toMillis() * versions, TimeUnit.MILLISECONDS);
				}
			}
			finally {
				writing.set(false);
			}
			assertThat(reader.get(timeout().toMillis(), TimeUnit.MILLISECONDS)).isLessThanOrEqualTo(versions);
		}
		finally {
			executor.shutdownNow();
		}
		StepVerifier.create(this.store.find(name))
			.expectNext(VersionedRecord.of(name, versions, "{\"v\":" + versions + "}"))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void deleteLeavesATombstoneThatAnOlderWriteCannotResurrect() {
		String name = this.prefix + "deleted";
		this.store.upsertIfNewer(List.of(VersionedRecord.of(name, 1, "{}"))).block(timeout());
		StepVerifier.create(this.store.deleteIfNewer(name, 2)).expectNext(true).expectComplete().verify(timeout());
		VersionedRecord tombstone = VersionedRecord.tombstone(name, 2);
		StepVerifier.create(this.store.find(name)).expectNext(tombstone).expectComplete().verify(timeout());
		StepVerifier.create(this.store.upsertIfNewer(List.of(VersionedRecord.of(name, 1, "{\"back\":true}"),
				VersionedRecord.of(name, 2, "{\"back\":true}"))))
			.expectNext(0)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.deleteIfNewer(name, 1)).expectNext(false).expectComplete().verify(timeout());
		StepVerifier.create(this.store.deleteIfNewer(name, 2)).expectNext(false).expectComplete().verify(timeout());
		StepVerifier.create(this.store.find(name)).expectNext(tombstone).expectComplete().verify(timeout());
		// A newer write recreates the record.
		VersionedRecord recreated = VersionedRecord.of(name, 3, "{\"back\":\"for real\"}");
		StepVerifier.create(this.store.upsertIfNewer(List.of(recreated))).expectNext(1).expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.find(name)).expectNext(recreated).expectComplete().verify(timeout());
	}

	@Test
	void deletingARecordNeverStoredStillLeavesATombstone() {
		String name = this.prefix + "never";
		StepVerifier.create(this.store.deleteIfNewer(name, 5)).expectNext(true).expectComplete().verify(timeout());
		StepVerifier.create(this.store.upsertIfNewer(List.of(VersionedRecord.of(name, 4, "{}"))))
			.expectNext(0)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.find(name))
			.expectNext(VersionedRecord.tombstone(name, 5))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void findManyReturnsTheStoredRecordsAndTombstonesAmongTheNames() {
		VersionedRecord a = record("a", 1, "{\"a\":1}");
		VersionedRecord b = record("b", 4, "{\"b\":4}");
		VersionedRecord c = VersionedRecord.tombstone(this.prefix + "c", 2);
		VersionedRecord outside = record("outside", 1, "{}");
		this.store.upsertIfNewer(List.of(a, b, c, outside)).block(timeout());
		StepVerifier.create(this.store.findMany(List.of(a.name(), b.name(), c.name(), this.prefix + "missing"))
			.collectSortedList(Comparator.comparing(VersionedRecord::name)))
			.expectNext(List.of(a, b, c))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.findMany(List.of())).expectComplete().verify(timeout());
	}

	@Test
	void scanReturnsOnlyLiveRecordsUnderThePrefixSortedByName() {
		VersionedRecord b = record("b", 1, "{\"b\":1}");
		VersionedRecord a = record("a", 2, "{\"a\":2}");
		VersionedRecord nested = record("a/nested", 1, "{\"n\":1}");
		VersionedRecord deleted = VersionedRecord.tombstone(this.prefix + "c", 3);
		VersionedRecord d = record("d", 1, "{\"d\":1}");
		// Shares every character of the prefix but the final slash: not under it.
		VersionedRecord sibling = VersionedRecord.of(this.prefix.substring(0, this.prefix.length() - 1) + "x", 1,
				"{}");
		this.store.upsertIfNewer(List.of(d, b, deleted, sibling, a, nested)).block(timeout());
		StepVerifier.create(this.store.scan(this.prefix).collectList())
			.expectNext(List.of(a, nested, b, d))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.scan(this.prefix + "a").collectList())
			.expectNext(List.of(a, nested))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.scan(this.prefix + "nothing-here")).expectComplete().verify(timeout());
	}

	@Test
	void scanTreatsThePrefixLiterally() {
		VersionedRecord underscore = record("a_b", 1, "{}");
		VersionedRecord percent = record("a%c", 1, "{}");
		VersionedRecord backslash = record("a\\d", 1, "{}");
		VersionedRecord plain = record("axb", 1, "{}");
		this.store.upsertIfNewer(List.of(underscore, percent, backslash, plain)).block(timeout());
		StepVerifier.create(this.store.scan(this.prefix + "a_").collectList())
			.expectNext(List.of(underscore))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.scan(this.prefix + "a%").collectList())
			.expectNext(List.of(percent))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.scan(this.prefix + "a\\").collectList())
			.expectNext(List.of(backslash))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void dataRoundTripsExactly() {
		VersionedRecord unicode = record("unicode",
				1, "{\"text\":\"h\u00e9llo \u4e16\u754c \ud83d\ude80 e\u0301 \\\"quoted\\\" \\u00e9\",\"tab\":\"\\t\"}");
		VersionedRecord nested = record("nested", 1,
				"{\"a\":{\"b\":[1,2.5,-3e10,{\"c\":[true,false,null,\"\"]}],\"z\":{}},\"y\":[]}");
		VersionedRecord array = record("array", 1, "[{\"x\":1},[],\"s\"]");
		StringBuilder large = new StringBuilder("{\"items\":[");
		for (int i = 0; large.length() < 100_000; i++) {
			large.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append(",\"name\":\"item-").append(i)
				.append(" \u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9\"}");
		}
		large.append("]}");
		VersionedRecord big = record("large", 1, large.toString());
		this.store.upsertIfNewer(List.of(unicode, nested, array, big)).block(timeout());
		for (VersionedRecord record : List.of(unicode, nested, array, big)) {
			StepVerifier.create(this.store.find(record.name()))
				.assertNext((found) -> {
					assertThat(found.data()).isEqualTo(record.data());
					assertThat(found).isEqualTo(record);
				})
				.expectComplete()
				.verify(timeout());
		}
	}

	@Test
	void expiredRecordIsStillFoundWithItsVersionButNeverScanned() {
		assumeTrue(supportsTtl(), "the store does not support expiry");
		Instant now = Instant.now();
		VersionedRecord expired = new VersionedRecord(this.prefix + "expired", 5, bytes("{}"), false,
				now.minusSeconds(5));
		VersionedRecord live = new VersionedRecord(this.prefix + "live", 1, bytes("{}"), false,
				now.plus(Duration.ofHours(1)));
		this.store.upsertIfNewer(List.of(expired, live)).block(timeout());
		// It guards its version until a tombstone replaces it: an older write cannot bring it back.
		StepVerifier.create(this.store.find(expired.name())).expectNext(expired).expectComplete().verify(timeout());
		StepVerifier.create(this.store.findMany(List.of(expired.name(), live.name())).map(VersionedRecord::name))
			.recordWith(ArrayList::new)
			.expectNextCount(2)
			.consumeRecordedWith((names) -> assertThat(names).containsExactlyInAnyOrder(expired.name(), live.name()))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.upsertIfNewer(List.of(record("expired", 4, "{\"old\":true}"))))
			.expectNext(0)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.scan(this.prefix)).expectNext(live).expectComplete().verify(timeout());
	}

	@Test
	void recordIsScannedUntilItExpires() {
		assumeTrue(supportsTtl(), "the store does not support expiry");
		Instant expiresAt = Instant.now().plus(timeout().dividedBy(4));
		VersionedRecord expiring = new VersionedRecord(this.prefix + "expiring", 1, bytes("{}"), false, expiresAt);
		this.store.upsertIfNewer(List.of(expiring)).block(timeout());
		StepVerifier.create(this.store.scan(this.prefix)).expectNext(expiring).expectComplete().verify(timeout());
		// Wait for the known deadline (and a little clock skew), then a scan must leave it out.
		StepVerifier
			.create(Mono.delay(Duration.between(Instant.now(), expiresAt).plusMillis(100))
				.thenMany(Flux.defer(() -> this.store.scan(this.prefix))))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void findExpiredReturnsLiveRecordsPastTheirDeadlineSoonestFirst() {
		assumeTrue(supportsTtl(), "the store does not support expiry");
		Instant base = pastBase();
		VersionedRecord second = expiring("second", 2, base.plusSeconds(2));
		VersionedRecord first = expiring("first", 7, base.plusSeconds(1).plusNanos(999_999_999));
		VersionedRecord onTheDot = expiring("on-the-dot", 1, base.plusSeconds(3));
		VersionedRecord later = expiring("later", 1, base.plusSeconds(3).plusNanos(1));
		VersionedRecord never = record("never", 1, "{}");
		VersionedRecord deleted = new VersionedRecord(this.prefix + "deleted", 3, new byte[0], true,
				base.plusSeconds(1));
		this.store.upsertIfNewer(List.of(second, first, onTheDot, later, never, deleted)).block(timeout());
		StepVerifier.create(this.store.findExpired(base.plusSeconds(3), 100).filter(this::ours))
			.expectNext(first, second, onTheDot)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.findExpired(base.plusSeconds(3), 2).filter(this::ours))
			.expectNext(first, second)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.store.findExpired(base.plusSeconds(1), 100).filter(this::ours))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void findExpiredForgetsARecordOnceANewerVersionReplacesIt() {
		assumeTrue(supportsTtl(), "the store does not support expiry");
		Instant base = pastBase();
		VersionedRecord renewed = expiring("renewed", 1, base);
		VersionedRecord removed = expiring("removed", 1, base);
		this.store.upsertIfNewer(List.of(renewed, removed)).block(timeout());
		this.store
			.upsertIfNewer(List.of(expiring("renewed", 2, Instant.now().plus(Duration.ofHours(1))),
					VersionedRecord.tombstone(removed.name(), 2)))
			.block(timeout());
		StepVerifier.create(this.store.findExpired(base.plusSeconds(60), 100).filter(this::ours))
			.expectComplete()
			.verify(timeout());
	}

	/**
	 * A deadline long past, and earlier for every later run by ten times the time between them: records
	 * that runs before this one left in a shared database are due after this run's, so a limit still finds ours.
	 */
	private static Instant pastBase() {
		Duration since = Duration.between(Instant.parse("2020-01-01T00:00:00Z"), Instant.now());
		return Instant.parse("2001-01-01T00:00:00Z").minus(since.multipliedBy(10)).truncatedTo(ChronoUnit.SECONDS);
	}

	private boolean ours(VersionedRecord record) {
		return record.name().startsWith(this.prefix);
	}

	private VersionedRecord expiring(String name, long version, Instant expiresAt) {
		return new VersionedRecord(this.prefix + name, version, bytes("{\"v\":" + version + "}"), false, expiresAt);
	}

	private VersionedRecord record(String name, long version, String json) {
		return VersionedRecord.of(this.prefix + name, version, json);
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

}
