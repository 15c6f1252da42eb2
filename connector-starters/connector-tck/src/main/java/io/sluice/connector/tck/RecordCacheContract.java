package io.sluice.connector.tck;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordCache.CasResult;
import io.sluice.connector.VersionedRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract of {@link RecordCache}. An adapter's test extends this class and supplies the cache under test
 * through {@link #cache()}, which is called once before each test. Tests may share one cache: each uses record
 * names of its own.
 */
public abstract class RecordCacheContract {

	private static final int WRITERS = 16;

	private static final int ROUNDS = 100;

	private RecordCache cache;

	private String prefix;

	/** The cache under test; called once before each test. */
	protected abstract RecordCache cache();

	/** Whether the cache honours {@link VersionedRecord#expiresAt()}; the expiry tests are skipped if not. */
	protected boolean supportsTtl() {
		return true;
	}

	/** How long any one step may take before the test fails. */
	protected Duration timeout() {
		return Duration.ofSeconds(10);
	}

	@BeforeEach
	void setUpCache() {
		this.cache = cache();
		this.prefix = TckNames.unique("cache");
	}

	@Test
	void absentRecordReadsAsEmptyAndCountsAsVersionZero() {
		String name = this.prefix + "absent";
		StepVerifier.create(this.cache.get(name)).expectComplete().verify(timeout());
		StepVerifier.create(this.cache.compareAndSet(1, record(name, 2, "{\"a\":2}")))
			.assertNext((result) -> {
				assertThat(result.won()).isFalse();
				assertThat(result.current()).isNull();
				assertThat(result.currentVersion()).isZero();
			})
			.expectComplete()
			.verify(timeout());
		VersionedRecord first = record(name, 1, "{\"a\":1}");
		StepVerifier.create(this.cache.compareAndSet(0, first))
			.expectNext(CasResult.won(first))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.cache.get(name)).expectNext(first).expectComplete().verify(timeout());
	}

	@Test
	void recordCreatedAtVersionZeroIsHeldAndBuiltOnLikeAnyVersion() {
		String name = this.prefix + "created";
		VersionedRecord created = record(name, 0, "{}");
		assertThat(cas(0, created).won()).isTrue();
		StepVerifier.create(this.cache.get(name)).expectNext(created).expectComplete().verify(timeout());
		// A lost compare-and-set leaves the entry at version 0 in place.
		StepVerifier.create(this.cache.compareAndSet(3, record(name, 4, "{\"v\":4}")))
			.expectNext(CasResult.lost(created))
			.expectComplete()
			.verify(timeout());
		VersionedRecord v1 = record(name, 1, "{\"v\":1}");
		assertThat(cas(0, v1).won()).isTrue();
		StepVerifier.create(this.cache.get(name)).expectNext(v1).expectComplete().verify(timeout());
	}

	@Test
	void staleExpectedVersionLosesAndReturnsWhatIsCached() {
		String name = this.prefix + "stale";
		VersionedRecord v1 = record(name, 1, "{\"v\":1}");
		VersionedRecord v2 = record(name, 2, "{\"v\":2}");
		cas(0, v1);
		cas(1, v2);
		StepVerifier.create(this.cache.compareAndSet(1, record(name, 2, "{\"v\":\"other\"}")))
			.expectNext(CasResult.lost(v2))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.cache.compareAndSet(0, record(name, 1, "{\"v\":\"again\"}")))
			.expectNext(CasResult.lost(v2))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.cache.get(name)).expectNext(v2).expectComplete().verify(timeout());
	}

	@Test
	void recordsAreIndependent() {
		VersionedRecord a = record(this.prefix + "a", 1, "{\"r\":\"a\"}");
		VersionedRecord b = record(this.prefix + "b", 1, "{\"r\":\"b\"}");
		assertThat(cas(0, a).won()).isTrue();
		assertThat(cas(0, b).won()).isTrue();
		StepVerifier.create(this.cache.get(a.name())).expectNext(a).expectComplete().verify(timeout());
		StepVerifier.create(this.cache.get(b.name())).expectNext(b).expectComplete().verify(timeout());
	}

	@Test
	void tombstonesAreCachedLikeAnyVersion() {
		String name = this.prefix + "deleted";
		cas(0, record(name, 1, "{}"));
		VersionedRecord tombstone = VersionedRecord.tombstone(name, 2);
		assertThat(cas(1, tombstone).won()).isTrue();
		StepVerifier.create(this.cache.get(name)).expectNext(tombstone).expectComplete().verify(timeout());
		StepVerifier.create(this.cache.compareAndSet(0, record(name, 1, "{}")))
			.expectNext(CasResult.lost(tombstone))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void dataRoundTripsExactly() {
		String name = this.prefix + "unicode";
		VersionedRecord unicode = VersionedRecord.of(name, 1,
				"{\"text\":\"h\u00e9llo \u4e16\u754c \ud83d\ude80 e\u0301\",\"nested\":{\"list\":[1,{\"deep\":[true,null]}]}}"
					.getBytes(StandardCharsets.UTF_8));
		cas(0, unicode);
		StepVerifier.create(this.cache.get(name))
			.assertNext((found) -> assertThat(found.data()).isEqualTo(unicode.data()))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void eachVersionIsWonByExactlyOneOfSixteenWriters() throws Exception {
		String name = this.prefix + "contended";
		Map<Long, Integer> winners = new ConcurrentHashMap<>();
		AtomicLong doubleWins = new AtomicLong();
		// Two barriers per round: all writers read the same version, then all race to replace it, so each
		// round is a real contest between sixteen compare-and-sets expecting the same version.
		CyclicBarrier read = new CyclicBarrier(WRITERS);
		CyclicBarrier written = new CyclicBarrier(WRITERS);
		int total = race((writer) -> () -> {
			int won = 0;
			for (int round = 0; round < ROUNDS; round++) {
				long current = this.cache.get(name).map(VersionedRecord::version).defaultIfEmpty(0L)
					.block(timeout());
				read.await(timeout().toMillis(), TimeUnit.MILLISECONDS);
				VersionedRecord next = record(name, current + 1,
						"{\"writer\":" + writer + ",\"round\":" + round + "}");
				CasResult result = this.cache.compareAndSet(current, next).block(timeout());
				if (result.won()) {
					won++;
					if (winners.putIfAbsent(next.version(), writer) != null) {
						doubleWins.incrementAndGet();
					}
					assertThat(result.current()).isEqualTo(next);
				}
				else {
					assertThat(result.currentVersion()).isGreaterThan(current);
				}
				written.await(timeout().toMillis(), TimeUnit.MILLISECONDS);
			}
			return won;
		}, ROUNDS);
		assertThat(doubleWins).hasValue(0);
		assertThat(total).isEqualTo(ROUNDS);
		assertThat(winners).hasSize(ROUNDS);
		assertThat(winners.keySet()).allMatch((version) -> version >= 1 && version <= ROUNDS);
		int lastWriter = winners.get((long) ROUNDS);
		StepVerifier.create(this.cache.get(name))
			.expectNext(record(name, ROUNDS, "{\"writer\":" + lastWriter + ",\"round\":" + (ROUNDS - 1) + "}"))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void freeForAllWritersNeverLoseAWonWrite() throws Exception {
		String name = this.prefix + "racing";
		Map<Long, Integer> winners = new ConcurrentHashMap<>();
		AtomicLong doubleWins = new AtomicLong();
		int attempts = 100;
		int total = race((writer) -> () -> {
			int won = 0;
			long expected = 0;
			for (int attempt = 0; attempt < attempts; attempt++) {
				CasResult result = this.cache
					.compareAndSet(expected, record(name, expected + 1, "{\"writer\":" + writer + "}"))
					.block(timeout());
				if (result.won()) {
					won++;
					if (winners.putIfAbsent(expected + 1, writer) != null) {
						doubleWins.incrementAndGet();
					}
				}
				// Whether it won or lost, the result says what to expect next.
				expected = result.currentVersion();
			}
			return won;
		}, attempts);
		assertThat(doubleWins).hasValue(0);
		assertThat(winners).hasSize(total);
		// Versions only rise by one, so the wins are exactly the versions 1..total, none skipped.
		assertThat(winners.keySet()).allMatch((version) -> version >= 1 && version <= winners.size());
		int lastWriter = winners.get((long) total);
		StepVerifier.create(this.cache.get(name))
			.expectNext(record(name, total, "{\"writer\":" + lastWriter + "}"))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void evictDropsOnlyTheExpectedVersion() {
		String name = this.prefix + "evicted";
		StepVerifier.create(this.cache.evict(name, 1)).expectNext(false).expectComplete().verify(timeout());
		cas(0, record(name, 1, "{\"v\":1}"));
		VersionedRecord v2 = record(name, 2, "{\"v\":2}");
		cas(1, v2);
		StepVerifier.create(this.cache.evict(name, 1)).expectNext(false).expectComplete().verify(timeout());
		StepVerifier.create(this.cache.evict(name, 3)).expectNext(false).expectComplete().verify(timeout());
		StepVerifier.create(this.cache.get(name)).expectNext(v2).expectComplete().verify(timeout());
		StepVerifier.create(this.cache.evict(name, 2)).expectNext(true).expectComplete().verify(timeout());
		StepVerifier.create(this.cache.get(name)).expectComplete().verify(timeout());
		StepVerifier.create(this.cache.evict(name, 2)).expectNext(false).expectComplete().verify(timeout());
		// An evicted record counts as not held again.
		VersionedRecord refilled = record(name, 2, "{\"v\":2}");
		assertThat(cas(0, refilled).won()).isTrue();
	}

	@Test
	void recordThatExpiredIsNeverReturned() {
		assumeTrue(supportsTtl(), "the cache does not support expiry");
		String name = this.prefix + "expired";
		VersionedRecord expired = new VersionedRecord(name, 1, bytes("{}"), false, Instant.now().minusSeconds(5));
		this.cache.compareAndSet(0, expired).block(timeout());
		StepVerifier.create(this.cache.get(name)).expectComplete().verify(timeout());
		// An expired record is not held, so it counts as version 0.
		VersionedRecord fresh = record(name, 1, "{\"fresh\":true}");
		assertThat(cas(0, fresh).won()).isTrue();
		StepVerifier.create(this.cache.get(name)).expectNext(fresh).expectComplete().verify(timeout());
	}

	@Test
	void recordIsReturnedUntilItExpires() {
		assumeTrue(supportsTtl(), "the cache does not support expiry");
		String name = this.prefix + "expiring";
		Instant expiresAt = Instant.now().plus(timeout().dividedBy(4));
		VersionedRecord expiring = new VersionedRecord(name, 1, bytes("{}"), false, expiresAt);
		assertThat(cas(0, expiring).won()).isTrue();
		StepVerifier.create(this.cache.get(name)).expectNext(expiring).expectComplete().verify(timeout());
		// Wait for the known deadline (and a little clock skew), then the record must be gone.
		Mono<VersionedRecord> afterExpiry = Mono
			.delay(Duration.between(Instant.now(), expiresAt).plusMillis(100))
			.then(Mono.defer(() -> this.cache.get(name)));
		StepVerifier.create(afterExpiry).expectComplete().verify(timeout());
	}

	/**
	 * Runs {@link #WRITERS} writers at once, each on its own thread, and adds up the wins they return.
	 * @param writer the work of writer {@code n}: its compare-and-sets, returning how many it won
	 * @param attempts how many compare-and-sets each writer makes, which sets how long it may take
	 */
	private int race(IntFunction<Callable<Integer>> writer, int attempts) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(WRITERS);
		try {
			List<Future<Integer>> wins = new ArrayList<>();
			for (int w = 0; w < WRITERS; w++) {
				wins.add(executor.submit(writer.apply(w)));
			}
			int total = 0;
			for (Future<Integer> win : wins) {
				total += win.get(timeout().toMillis() * attempts, TimeUnit.MILLISECONDS);
			}
			return total;
		}
		finally {
			executor.shutdownNow();
		}
	}

	private CasResult cas(long expected, VersionedRecord next) {
		CasResult result = this.cache.compareAndSet(expected, next).block(timeout());
		assertThat(result).isNotNull();
		return result;
	}

	private static VersionedRecord record(String name, long version, String json) {
		return VersionedRecord.of(name, version, json);
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

}
