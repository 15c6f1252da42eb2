package io.sluice.gateway.history;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.memory.InMemoryStreamHistory;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads of an event name's history: what each shape returns and when it says it is complete. */
class EventHistoryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Instant START = Instant.parse("2026-01-31T12:00:00Z");

	private final MovingClock clock = new MovingClock();

	private final InMemoryStreamHistory store = new InMemoryStreamHistory(this.clock);

	@Test
	void lastGivesTheNewestOldestFirst() {
		EventHistory history = history(1000);
		append(history, "chat/a", 5, Retention.entries(100));

		assertPage(history, new HistoryQuery.Last("chat/a", 3), List.of(3L, 4L, 5L), true);
		assertPage(history, new HistoryQuery.Last("chat/a", 10), List.of(1L, 2L, 3L, 4L, 5L), true);
		assertPage(history, new HistoryQuery.Last("chat/empty", 10), List.of(), true);
	}

	@Test
	void fromAndRangeGiveTheOffsetsAskedForAndAnOffsetBeyondTheEndNothing() {
		EventHistory history = history(1000);
		append(history, "chat/a", 5, Retention.entries(100));

		assertPage(history, new HistoryQuery.From("chat/a", 4, null), List.of(4L, 5L), true);
		assertPage(history, new HistoryQuery.From("chat/a", 0, 2L), List.of(1L, 2L), true);
		assertPage(history, new HistoryQuery.From("chat/a", 2, 3L), List.of(2L, 3L), true);
		assertPage(history, new HistoryQuery.From("chat/a", 6, null), List.of(), true);
		assertPage(history, new HistoryQuery.From("chat/a", 4, 9L), List.of(4L, 5L), true);
	}

	@Test
	void whatRetentionDroppedMakesAReadIncomplete() {
		EventHistory history = history(1000);
		append(history, "chat/a", 5, Retention.entries(3));

		assertPage(history, new HistoryQuery.From("chat/a", 1, null), List.of(3L, 4L, 5L), false);
		assertPage(history, new HistoryQuery.From("chat/a", 3, null), List.of(3L, 4L, 5L), true);
		assertPage(history, new HistoryQuery.From("chat/a", 1, 2L), List.of(), false);
		assertPage(history, new HistoryQuery.Last("chat/a", 5), List.of(3L, 4L, 5L), false);
		assertPage(history, new HistoryQuery.Last("chat/a", 3), List.of(3L, 4L, 5L), true);
	}

	@Test
	void aReadCutAtMaxReadIsIncomplete() {
		EventHistory history = history(2);
		append(history, "chat/a", 5, Retention.entries(100));

		assertPage(history, new HistoryQuery.From("chat/a", 1, null), List.of(1L, 2L), false);
		assertPage(history, new HistoryQuery.From("chat/a", 4, null), List.of(4L, 5L), true);
		assertPage(history, new HistoryQuery.Last("chat/a", 5), List.of(4L, 5L), false);
		assertPage(history, new HistoryQuery.Last("chat/a", 2), List.of(4L, 5L), true);
		assertPage(history, new HistoryQuery.Since("chat/a", START), List.of(1L, 2L), false);
	}

	@Test
	void sinceIsCompleteOnlyWhenTheEntryBeforeItIsStillHeld() {
		EventHistory history = history(1000);
		append(history, "chat/a", 4, Retention.entries(3));

		assertPage(history, new HistoryQuery.Since("chat/a", START.plusSeconds(3)), List.of(4L), true);
		assertPage(history, new HistoryQuery.Since("chat/a", START.plusSeconds(2)), List.of(3L, 4L), true);
		assertPage(history, new HistoryQuery.Since("chat/a", START.plusSeconds(1)), List.of(2L, 3L, 4L), false);
		assertPage(history, new HistoryQuery.Since("chat/a", START.plusSeconds(60)), List.of(), true);
		append(history, "chat/b", 2, Retention.entries(10));
		assertPage(history, new HistoryQuery.Since("chat/b", START), List.of(1L, 2L), true);
	}

	@Test
	void thePageCarriesTheEpochAndTheEventsAsTheyWerePublished() {
		EventHistory history = history(1000);
		history.append("chat/a", "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8), Retention.entries(10)).block();
		history.append("chat/a", null, Retention.entries(10)).block();

		StepVerifier.create(history.read(new HistoryQuery.Last("chat/a", 2))).assertNext((page) -> {
			assertThat(page.epoch()).isEqualTo(this.store.position("chat/a").block().epoch());
			assertThat(new String(page.toJson(), StandardCharsets.UTF_8)).isEqualTo("{\"epoch\":\"" + page.epoch()
					+ "\",\"entries\":[{\"offset\":1,\"time\":\"" + page.entries().get(0).timestamp()
					+ "\",\"data\":{\"text\":\"hi\"}},{\"offset\":2,\"time\":\"" + page.entries().get(1).timestamp()
					+ "\",\"data\":null}],\"complete\":true}");
		}).expectComplete().verify(TIMEOUT);
	}

	@Test
	void aNameThatKeepsNoHistoryIsRefused() {
		StepVerifier.create(history(1000).read(new HistoryQuery.Last("ticks/a", 1)))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(HistoryException.class, (history) -> {
				assertThat(history.kind()).isEqualTo(HistoryException.Kind.INVALID);
				assertThat(history).hasMessageContaining("'ticks/a' keep no history");
			}))
			.verify(TIMEOUT);
	}

	private EventHistory history(int maxRead) {
		HistoryProperties properties = new HistoryProperties(
				List.of(new HistoryProperties.Stream("chat/.*", 1000, null, true)), maxRead);
		return new EventHistory(this.store, new HistoryStreams(properties), maxRead);
	}

	/** Appends {@code count} events, a second apart from {@link #START} on. */
	private void append(EventHistory history, String name, int count, Retention retention) {
		for (int i = 0; i < count; i++) {
			this.clock.now = START.plusSeconds(i);
			history.append(name, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), retention).block(TIMEOUT);
		}
	}

	private static void assertPage(EventHistory history, HistoryQuery query, List<Long> offsets, boolean complete) {
		StepVerifier.create(history.read(query)).assertNext((page) -> {
			assertThat(page.entries()).as("%s", query).extracting(HistoryEntry::offset).isEqualTo(offsets);
			assertThat(page.complete()).as("%s complete", query).isEqualTo(complete);
		}).expectComplete().verify(TIMEOUT);
	}

	private static final class MovingClock extends Clock {

		private Instant now = START;

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
