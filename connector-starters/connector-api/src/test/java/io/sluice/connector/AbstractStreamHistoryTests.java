package io.sluice.connector;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class AbstractStreamHistoryTests {

	private final AskedHistory history = new AskedHistory();

	@Test
	void readsThatAskForNothingAreEmptyWithoutAskingTheStore() {
		StepVerifier.create(this.history.last("s", 0)).expectComplete().verify(Duration.ofSeconds(5));
		StepVerifier.create(this.history.from("s", 1, 0)).expectComplete().verify(Duration.ofSeconds(5));
		StepVerifier.create(this.history.range("s", 3, 2)).expectComplete().verify(Duration.ofSeconds(5));
		StepVerifier.create(this.history.since("s", Instant.EPOCH, -1)).expectComplete().verify(Duration.ofSeconds(5));
		assertThat(this.history.asked).isEmpty();
	}

	@Test
	void readsThatAskForSomethingGoToTheStore() {
		this.history.last("s", 1);
		this.history.from("s", 1, 1);
		this.history.range("s", 2, 2);
		this.history.since("s", Instant.EPOCH, 1);
		assertThat(this.history.asked).containsExactly("last", "from", "range", "since");
	}

	@Test
	void nullStreamOrTimeIsRefusedWhenCalled() {
		assertThatNullPointerException().isThrownBy(() -> this.history.last(null, 1)).withMessage("stream");
		assertThatNullPointerException().isThrownBy(() -> this.history.range(null, 3, 2)).withMessage("stream");
		assertThatNullPointerException().isThrownBy(() -> this.history.since("s", null, 1)).withMessage("time");
	}

	@Test
	void timesAreRoundedUpToTheNextWholeUnitOnlyWhenTheyHaveMore() {
		Instant whole = Instant.parse("2026-01-01T00:00:00.123Z");
		assertThat(AbstractStreamHistory.roundedUp(whole, ChronoUnit.MILLIS)).isEqualTo(whole);
		assertThat(AbstractStreamHistory.roundedUp(whole.plusNanos(1), ChronoUnit.MILLIS))
			.isEqualTo(Instant.parse("2026-01-01T00:00:00.124Z"));
		assertThat(AbstractStreamHistory.roundedUp(whole.plusNanos(1), ChronoUnit.MICROS))
			.isEqualTo(Instant.parse("2026-01-01T00:00:00.123001Z"));
	}

	/** Records which reads reached the store. */
	private static final class AskedHistory extends AbstractStreamHistory {

		private final List<String> asked = new ArrayList<>();

		@Override
		protected Flux<HistoryEntry> readLast(String stream, int count) {
			return asked("last");
		}

		@Override
		protected Flux<HistoryEntry> readFrom(String stream, long offset, int limit) {
			return asked("from");
		}

		@Override
		protected Flux<HistoryEntry> readRange(String stream, long fromOffset, long toOffset) {
			return asked("range");
		}

		@Override
		protected Flux<HistoryEntry> readSince(String stream, Instant time, int limit) {
			return asked("since");
		}

		@Override
		public Mono<HistoryEntry> append(String stream, byte[] payload, Retention retention) {
			return Mono.empty();
		}

		@Override
		public Mono<StreamPosition> position(String stream) {
			return Mono.empty();
		}

		private Flux<HistoryEntry> asked(String read) {
			this.asked.add(read);
			return Flux.empty();
		}

	}

}
