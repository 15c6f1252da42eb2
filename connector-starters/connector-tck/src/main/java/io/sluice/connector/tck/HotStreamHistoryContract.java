package io.sluice.connector.tck;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.HotStreamHistory;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamPosition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link HotStreamHistory}: the {@link StreamHistoryContract}, and starting a stream where an archive
 * stands. An adapter's test extends this class and supplies the history through {@link #history()}.
 */
public abstract class HotStreamHistoryContract extends StreamHistoryContract {

	private static final Retention KEEP_ALL = Retention.entries(100_000);

	@Override
	protected abstract HotStreamHistory history();

	@Test
	void aStreamWithoutAnEpochIsNeitherAppendedToNorGivenOne() {
		HotStreamHistory history = history();
		String stream = TckNames.unique("hot") + "unstarted";
		StepVerifier.create(history.appendIfStarted(stream, text("lost"), KEEP_ALL)).expectComplete().verify(timeout());
		StepVerifier.create(history.positionIfStarted(stream)).expectComplete().verify(timeout());
		StepVerifier.create(history.from(stream, 1, 10)).expectComplete().verify(timeout());
		StepVerifier.create(history.positionIfStarted(stream)).expectComplete().verify(timeout());
	}

	@Test
	void aStartedStreamContinuesAfterThePositionUnderItsEpoch() {
		HotStreamHistory history = history();
		String stream = TckNames.unique("hot") + "started";
		StreamPosition archived = new StreamPosition("archived-epoch", 41);
		StepVerifier.create(history.start(stream, archived)).expectNext(archived).expectComplete().verify(timeout());
		StepVerifier.create(history.positionIfStarted(stream)).expectNext(archived).expectComplete().verify(timeout());
		HistoryEntry next = history.appendIfStarted(stream, text("next"), KEEP_ALL).block(timeout());
		assertThat(next).isNotNull();
		assertThat(next.offset()).isEqualTo(42);
		assertThat(next.epoch()).isEqualTo("archived-epoch");
		assertThat(next.payload()).isEqualTo(text("next"));
		StepVerifier.create(history.from(stream, 1, 10).collectList())
			.expectNext(List.of(next))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(history.position(stream))
			.expectNext(new StreamPosition("archived-epoch", 42))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void startLeavesAStreamThatHasAnEpochAsItIs() {
		HotStreamHistory history = history();
		String stream = TckNames.unique("hot") + "running";
		HistoryEntry first = history.append(stream, text("one"), KEEP_ALL).block(timeout());
		history.append(stream, text("two"), KEEP_ALL).block(timeout());
		StreamPosition running = new StreamPosition(first.epoch(), 2);
		StepVerifier.create(history.start(stream, new StreamPosition("other-epoch", 100)))
			.expectNext(running)
			.expectComplete()
			.verify(timeout());
		HistoryEntry third = history.appendIfStarted(stream, text("three"), KEEP_ALL).block(timeout());
		assertThat(third.offset()).isEqualTo(3);
		assertThat(third.epoch()).isEqualTo(first.epoch());
	}

	@Test
	void aSecondStartAgreesWithTheFirst() {
		HotStreamHistory history = history();
		String stream = TckNames.unique("hot") + "twice";
		StreamPosition first = new StreamPosition("first-epoch", 7);
		StepVerifier.create(history.start(stream, first)).expectNext(first).expectComplete().verify(timeout());
		StepVerifier.create(history.start(stream, new StreamPosition("second-epoch", 3)))
			.expectNext(first)
			.expectComplete()
			.verify(timeout());
	}

	private static byte[] text(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
