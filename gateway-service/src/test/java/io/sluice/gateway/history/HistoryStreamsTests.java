package io.sluice.gateway.history;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.connector.Retention;

import static org.assertj.core.api.Assertions.assertThat;

/** Which names keep history: the first pattern that matches the whole name decides. */
class HistoryStreamsTests {

	private final HistoryStreams streams = new HistoryStreams(new HistoryProperties(List.of(
			new HistoryProperties.Stream("chat/vip/.*", 10, Duration.ofHours(1), true),
			new HistoryProperties.Stream("chat/.*", 100, null, true)), 1000));

	@Test
	void theFirstPatternThatMatchesTheWholeNameDecides() {
		assertThat(this.streams.retention("chat/vip/1")).isEqualTo(new Retention(10, Duration.ofHours(1)));
		assertThat(this.streams.retention("chat/lobby")).isEqualTo(Retention.entries(100));
		assertThat(this.streams.retention("ticks/chat/lobby")).as("a pattern matches the whole name").isNull();
		assertThat(this.streams.retention("chat")).isNull();
	}

	@Test
	void anAnswerIsTheSameWhenRemembered() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.streams.retention("chat/lobby")).isEqualTo(Retention.entries(100));
			assertThat(this.streams.retention("ticks/a")).isNull();
		}
	}

	@Test
	void aStreamKeptHotOnlyIsNotStoredWhateverItsRetention() {
		// The same retention as the stored pattern after it: what decides is the pattern that matched.
		HistoryStreams streams = new HistoryStreams(new HistoryProperties(List.of(
				new HistoryProperties.Stream("ticks/.*", 100, null, false),
				new HistoryProperties.Stream("chat/.*", 100, null, true)), 1000));
		for (int i = 0; i < 2; i++) {
			assertThat(streams.stored("ticks/eur")).isFalse();
			assertThat(streams.stored("chat/lobby")).isTrue();
			assertThat(streams.stored("other")).as("a name that keeps no history").isFalse();
		}
	}

	@Test
	void withNoStreamNoNameKeepsHistory() {
		HistoryStreams none = new HistoryStreams(HistoryProperties.none());

		assertThat(none.any()).isFalse();
		assertThat(none.retention("chat/lobby")).isNull();
	}

}
