package io.sluice.connector.redis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordCache.CasResult;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.tck.RecordCacheContract;
import io.sluice.connector.tck.TckNames;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RedisRecordCache} on a real Redis server: the contract, and what Redis adds. */
class RedisRecordCacheIT extends RecordCacheContract {

	private static final Logger logger = LoggerFactory.getLogger(RedisRecordCacheIT.class);

	private static final String PREFIX = "it-cache:";

	private static EmbeddedRedisServer redis;

	private static RedisRecordCache cache;

	private static ReactiveRedisTemplate<String, byte[]> raw;

	@BeforeAll
	static void startRedis() throws IOException {
		redis = EmbeddedRedisServer.start();
		raw = redis.template("").template();
		cache = new RedisRecordCache(redis.template(PREFIX), Duration.ofHours(1), Clock.systemUTC());
	}

	@AfterAll
	static void stopRedis() throws IOException {
		redis.close();
	}

	@Override
	protected RecordCache cache() {
		return cache;
	}

	@Override
	protected Duration timeout() {
		return EmbeddedRedisServer.TIMEOUT;
	}

	@Test
	void eachRecordIsOneHashUnderTheKeyPrefix() {
		String name = TckNames.unique("layout") + "r";
		cache.compareAndSet(0, VersionedRecord.of(name, 1, "{\"a\":1}")).block(timeout());
		StepVerifier.create(raw().opsForHash().entries(PREFIX + "record:" + name).collectList())
			.assertNext((fields) -> assertThat(fields).extracting((field) -> field.getKey())
				.containsExactlyInAnyOrder("v", "x", "d"))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void tombstoneExpiresAfterTheTombstoneTtlWhileLiveRecordsDoNot() {
		RedisRecordCache shortTombstones = new RedisRecordCache(redis.template(PREFIX), Duration.ofSeconds(30),
				Clock.systemUTC());
		String name = TckNames.unique("tombstone") + "r";
		shortTombstones.compareAndSet(0, VersionedRecord.of(name, 1, "{}")).block(timeout());
		StepVerifier.create(millisToLive(name)).expectNext(-1L).expectComplete().verify(timeout());
		shortTombstones.compareAndSet(1, VersionedRecord.tombstone(name, 2)).block(timeout());
		StepVerifier.create(millisToLive(name))
			.assertNext((ttl) -> assertThat(ttl).isBetween(1L, 30_000L))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void recordWithExpiryIsGivenItToRedis() {
		String name = TckNames.unique("ttl") + "r";
		Instant expiresAt = Instant.now().plusSeconds(60);
		cache.compareAndSet(0, new VersionedRecord(name, 1, new byte[] { '{', '}' }, false, expiresAt))
			.block(timeout());
		StepVerifier.create(millisToLive(name))
			.assertNext((ttl) -> assertThat(ttl).isBetween(50_000L, 60_000L))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void versionsBeyondDoublePrecisionAreComparedExactly() {
		String name = TckNames.unique("big") + "r";
		long big = (1L << 53) + 1;
		VersionedRecord held = VersionedRecord.of(name, big, "{}");
		cache.compareAndSet(0, held).block(timeout());
		StepVerifier.create(cache.compareAndSet(big - 1, VersionedRecord.of(name, big, "{\"x\":1}")))
			.expectNext(CasResult.lost(held))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(cache.compareAndSet(big, VersionedRecord.of(name, big + 1, "{}")).map(CasResult::won))
			.expectNext(true)
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void scriptsAreSentAgainWhenRedisHasForgottenThem() {
		String name = TckNames.unique("flushed") + "r";
		VersionedRecord first = VersionedRecord.of(name, 1, "{\"a\":1}");
		cache.compareAndSet(0, first).block(timeout());
		// As after a Redis restart: EVALSHA answers NOSCRIPT, and each script is sent whole once more.
		raw().execute((connection) -> connection.scriptingCommands().scriptFlush()).blockLast(timeout());
		StepVerifier.create(cache.get(name)).expectNext(first).expectComplete().verify(timeout());
		StepVerifier.create(cache.compareAndSet(1, VersionedRecord.of(name, 2, "{\"a\":2}")).map(CasResult::won))
			.expectNext(true)
			.expectComplete()
			.verify(timeout());
		raw().execute((connection) -> connection.scriptingCommands().scriptFlush()).blockLast(timeout());
		StepVerifier.create(cache.evict(name, 2)).expectNext(true).expectComplete().verify(timeout());
	}

	@Test
	void unreachableRedisFailsWithConnectorException() {
		LettuceConnectionFactory nowhere = EmbeddedRedisServer.connectionFactory(EmbeddedRedisServer.freePort());
		try {
			RedisRecordCache unreachable = new RedisRecordCache(new RedisConnectorTemplate(nowhere, PREFIX),
					Duration.ZERO, Clock.systemUTC());
			StepVerifier.create(unreachable.get("any"))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ConnectorException.class)
					.satisfies((connector) -> assertThat(((ConnectorException) connector).connector())
						.isEqualTo("redis")))
				.verify(timeout());
			StepVerifier.create(unreachable.compareAndSet(0, VersionedRecord.of("any", 1, "{}")))
				.expectError(ConnectorException.class)
				.verify(timeout());
		}
		finally {
			nowhere.destroy();
		}
	}

	@Test
	void concurrentCompareAndSetsOnDistinctRecordsAllWin() {
		String prefix = TckNames.unique("throughput");
		int records = 20_000;
		AtomicLong won = new AtomicLong();
		long started = System.nanoTime();
		// 64 in flight at once: Lettuce pipelines them on one connection, as a busy record service would.
		Flux.range(0, records)
			.flatMap((i) -> cache.compareAndSet(0, VersionedRecord.of(prefix + i, 1, "{\"i\":" + i + "}")), 64)
			.filter(CasResult::won)
			.doOnNext((result) -> won.incrementAndGet())
			.then()
			.block(timeout().multipliedBy(6));
		long elapsedNanos = System.nanoTime() - started;
		assertThat(won).hasValue(records);
		logger.info("{} compare-and-sets on distinct records, 64 in flight: {} ms, {} per second", records,
				elapsedNanos / 1_000_000, records * 1_000_000_000L / elapsedNanos);
	}

	private static Mono<Long> millisToLive(String name) {
		ByteBuffer key = ByteBuffer.wrap((PREFIX + "record:" + name).getBytes(StandardCharsets.UTF_8));
		return raw().execute((connection) -> connection.keyCommands().pTtl(key)).next();
	}

	private static ReactiveRedisTemplate<String, byte[]> raw() {
		return raw;
	}

}
