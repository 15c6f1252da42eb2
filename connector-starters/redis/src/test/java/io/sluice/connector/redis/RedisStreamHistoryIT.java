package io.sluice.connector.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveRedisTemplate;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamPosition;
import io.sluice.connector.tck.HotStreamHistoryContract;
import io.sluice.connector.tck.TckNames;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RedisStreamHistory} on a real Redis server: the contract, and what Redis adds. */
class RedisStreamHistoryIT extends HotStreamHistoryContract {

	private static final String PREFIX = "it-history:";

	private static final Retention KEEP_ALL = Retention.entries(1000);

	private static ReactiveRedisTemplate<String, byte[]> raw;

	private static EmbeddedRedisServer redis;

	private static RedisStreamHistory history;

	@BeforeAll
	static void startRedis() throws IOException {
		redis = EmbeddedRedisServer.start();
		raw = redis.template("").template();
		history = new RedisStreamHistory(redis.template(PREFIX));
	}

	@AfterAll
	static void stopRedis() throws IOException {
		redis.close();
	}

	@Override
	protected RedisStreamHistory history() {
		return history;
	}

	@Override
	protected Duration timeout() {
		return EmbeddedRedisServer.TIMEOUT;
	}

	@Test
	void retentionByAgeDropsWhatGrewOlderAndKeepsOffsets() {
		String stream = TckNames.unique("aged") + "s";
		Retention young = new Retention(1000, Duration.ofMillis(300));
		List<HistoryEntry> old = appendAll(stream, 3, young);
		// Wait longer than the age, then append once more; the timestamps checked below confirm, by Redis's own
		// clock, that the old events really were older than the age when it was appended.
		HistoryEntry next = Mono.delay(Duration.ofMillis(400))
			.then(Mono.defer(() -> history.append(stream, text("new"), young)))
			.block(timeout());
		assertThat(next.offset()).isEqualTo(4);
		assertThat(next.timestamp()).isAfter(old.get(2).timestamp().plus(Duration.ofMillis(300)));
		StepVerifier.create(history.from(stream, 1, 10).collectList())
			.expectNext(List.of(next))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(history.position(stream))
			.expectNext(new StreamPosition(next.epoch(), 4))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void historyLostWithItsEpochRestartsAtOneUnderANewEpoch() {
		String stream = TckNames.unique("lost") + "s";
		List<HistoryEntry> before = appendAll(stream, 3, KEEP_ALL);
		raw.delete(streamKey(stream), streamKey(stream) + ":meta").block(timeout());
		HistoryEntry after = history.append(stream, text("after"), KEEP_ALL).block(timeout());
		assertThat(after.offset()).isEqualTo(1);
		assertThat(after.epoch()).isNotEqualTo(before.get(0).epoch());
	}

	@Test
	void offsetsContinueWhenOnlyTheMetaIsLost() {
		String stream = TckNames.unique("meta") + "s";
		List<HistoryEntry> before = appendAll(stream, 3, KEEP_ALL);
		raw.delete(streamKey(stream) + ":meta").block(timeout());
		StepVerifier.create(history.position(stream).map(StreamPosition::offset))
			.expectNext(3L)
			.expectComplete()
			.verify(timeout());
		HistoryEntry after = history.append(stream, text("after"), KEEP_ALL).block(timeout());
		assertThat(after.offset()).isEqualTo(4);
		StepVerifier.create(history.from(stream, 1, 10).map(HistoryEntry::offset).collectList())
			.expectNext(List.of(1L, 2L, 3L, 4L))
			.expectComplete()
			.verify(timeout());
		assertThat(before).extracting(HistoryEntry::offset).containsExactly(1L, 2L, 3L);
	}

	@Test
	void eventsAreStreamEntriesWithTheirOffsetAsId() {
		String stream = TckNames.unique("ids") + "s";
		appendAll(stream, 2, KEEP_ALL);
		StepVerifier.create(raw.opsForStream()
			.range(streamKey(stream), Range.unbounded())
			.map((entry) -> entry.getId().getValue())
			.collectList())
			.expectNext(List.of("1-0", "2-0"))
			.expectComplete()
			.verify(timeout());
	}

	private static String streamKey(String stream) {
		return PREFIX + "history:{" + stream + "}";
	}

	private List<HistoryEntry> appendAll(String stream, int count, Retention retention) {
		return Flux.range(0, count)
			.concatMap((i) -> history.append(stream, text("{\"event\":" + i + "}"), retention))
			.collectList()
			.block(timeout());
	}

	private static byte[] text(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
