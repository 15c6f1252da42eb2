package io.sluice.connector.tck;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.StreamPosition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link StreamHistory}. An adapter's test extends this class and supplies the history under
 * test through {@link #history()}, which is called once before each test. Tests may share one history: each
 * uses streams of its own.
 */
public abstract class StreamHistoryContract {

	private static final Retention KEEP_ALL = Retention.entries(100_000);

	private StreamHistory history;

	private String prefix;

	/** The history under test; called once before each test. */
	protected abstract StreamHistory history();

	/**
	 * Whether retention by count keeps exactly the number of entries asked for. An adapter that trims lazily
	 * (keeping a few more) answers {@code false}; the oldest must still go first.
	 */
	protected boolean trimsExactly() {
		return true;
	}

	/** How long any one step may take before the test fails. */
	protected Duration timeout() {
		return Duration.ofSeconds(10);
	}

	@BeforeEach
	void setUpHistory() {
		this.history = history();
		this.prefix = TckNames.unique("history");
	}

	@Test
	void offsetsStartAtOneAndRiseWithoutGaps() {
		String stream = this.prefix + "s";
		List<HistoryEntry> entries = appendAll(stream, 5, KEEP_ALL);
		assertThat(entries).extracting(HistoryEntry::offset).containsExactly(1L, 2L, 3L, 4L, 5L);
		assertThat(entries).extracting(HistoryEntry::stream).containsOnly(stream);
		assertThat(entries).extracting(HistoryEntry::epoch).containsOnly(entries.get(0).epoch());
		for (int i = 0; i < entries.size(); i++) {
			assertThat(entries.get(i).payload()).isEqualTo(payload(i));
		}
	}

	@Test
	void concurrentAppendsGetEveryOffsetExactlyOnce() throws Exception {
		String stream = this.prefix + "concurrent";
		int threads = 8;
		int appends = 200;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		List<HistoryEntry> appended = new ArrayList<>();
		CyclicBarrier start = new CyclicBarrier(threads);
		try {
			List<Future<List<HistoryEntry>>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				results.add(executor.submit(() -> {
					// All threads start together, so that the appends really overlap.
					start.await(timeout().toMillis(), TimeUnit.MILLISECONDS);
					List<HistoryEntry> mine = new ArrayList<>();
					for (int i = 0; i < appends; i++) {
						mine.add(this.history.append(stream, text(thread + ":" + i), KEEP_ALL).block(timeout()));
					}
					return mine;
				}));
			}
			for (Future<List<HistoryEntry>> result : results) {
				List<HistoryEntry> mine = result.get(timeout().toMillis() * appends, TimeUnit.MILLISECONDS);
				// One thread's appends follow each other, so their offsets rise.
				assertThat(mine).extracting(HistoryEntry::offset).isSorted();
				appended.addAll(mine);
			}
		}
		finally {
			executor.shutdownNow();
		}
		appended.sort(Comparator.comparingLong(HistoryEntry::offset));
		assertThat(appended).extracting(HistoryEntry::offset)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, threads * appends).boxed().toList());
		StepVerifier.create(this.history.from(stream, 1, threads * appends).collectList())
			.expectNext(appended)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.position(stream))
			.expectNext(new StreamPosition(appended.get(0).epoch(), threads * appends))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void readsReturnExactlyWhatWasAppended() {
		String stream = this.prefix + "exact";
		byte[] binary = new byte[256];
		for (int i = 0; i < binary.length; i++) {
			binary[i] = (byte) i;
		}
		StringBuilder large = new StringBuilder();
		while (large.length() < 100_000) {
			large.append("{\"h\u00e9llo\":\"\u4e16\u754c \ud83d\ude80\"}");
		}
		List<HistoryEntry> entries = new ArrayList<>();
		for (byte[] payload : List.of(binary, new byte[0], text(large.toString()), text("[1,{\"a\":null}]"))) {
			entries.add(this.history.append(stream, payload, KEEP_ALL).block(timeout()));
		}
		assertThat(entries.get(0).payload()).isEqualTo(binary);
		assertThat(entries.get(1).payload()).isEmpty();
		StepVerifier.create(this.history.from(stream, 1, 10).collectList())
			.expectNext(entries)
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void lastReturnsTheNewestEventsOldestFirst() {
		String stream = this.prefix + "last";
		List<HistoryEntry> entries = appendAll(stream, 10, KEEP_ALL);
		StepVerifier.create(this.history.last(stream, 3).collectList())
			.expectNext(entries.subList(7, 10))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.last(stream, 1).collectList())
			.expectNext(entries.subList(9, 10))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.last(stream, 50).collectList())
			.expectNext(entries)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.last(this.prefix + "empty", 5)).expectComplete().verify(timeout());
	}

	@Test
	void fromReturnsUpToLimitEventsFromTheOffset() {
		String stream = this.prefix + "from";
		List<HistoryEntry> entries = appendAll(stream, 10, KEEP_ALL);
		StepVerifier.create(this.history.from(stream, 4, 3).collectList())
			.expectNext(entries.subList(3, 6))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.from(stream, 9, 5).collectList())
			.expectNext(entries.subList(8, 10))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.from(stream, 1, 10).collectList())
			.expectNext(entries)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.from(stream, 11, 5)).expectComplete().verify(timeout());
	}

	@Test
	void rangeIsInclusiveAtBothEnds() {
		String stream = this.prefix + "range";
		List<HistoryEntry> entries = appendAll(stream, 10, KEEP_ALL);
		StepVerifier.create(this.history.range(stream, 3, 6).collectList())
			.expectNext(entries.subList(2, 6))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.range(stream, 5, 5).collectList())
			.expectNext(entries.subList(4, 5))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.range(stream, 8, 20).collectList())
			.expectNext(entries.subList(7, 10))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.range(stream, 11, 20)).expectComplete().verify(timeout());
	}

	@Test
	void sinceReturnsEventsAppendedAtOrAfterTheTime() {
		String stream = this.prefix + "since";
		List<HistoryEntry> entries = appendAll(stream, 10, KEEP_ALL);
		Instant time = entries.get(4).timestamp();
		// Several events may share a timestamp, so the expectation comes from the timestamps appended.
		List<HistoryEntry> expected = entries.stream().filter((entry) -> !entry.timestamp().isBefore(time)).toList();
		assertThat(expected).contains(entries.get(4));
		StepVerifier.create(this.history.since(stream, time, 100).collectList())
			.expectNext(expected)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.since(stream, time, 2).collectList())
			.expectNext(expected.subList(0, 2))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.since(stream, entries.get(0).timestamp().minusSeconds(60), 100).collectList())
			.expectNext(entries)
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.since(stream, Instant.now().plusSeconds(60), 100))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void retentionByCountDropsTheOldestAndKeepsOffsets() {
		String stream = this.prefix + "retained";
		List<HistoryEntry> entries = appendAll(stream, 20, Retention.entries(4));
		assertThat(entries).extracting(HistoryEntry::offset)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
		List<HistoryEntry> retained = this.history.from(stream, 1, 100).collectList().block(timeout());
		// What is kept is the newest events, unchanged: a suffix of what was appended.
		assertThat(retained).isEqualTo(entries.subList(entries.size() - retained.size(), entries.size()));
		if (trimsExactly()) {
			assertThat(retained).hasSize(4);
		}
		else {
			assertThat(retained).hasSizeBetween(4, 19);
		}
		StepVerifier.create(this.history.last(stream, 4).collectList())
			.expectNext(entries.subList(16, 20))
			.expectComplete()
			.verify(timeout());
		StepVerifier.create(this.history.position(stream))
			.expectNext(new StreamPosition(entries.get(0).epoch(), 20))
			.expectComplete()
			.verify(timeout());
		HistoryEntry next = this.history.append(stream, text("next"), Retention.entries(4)).block(timeout());
		assertThat(next.offset()).isEqualTo(21);
	}

	@Test
	void positionGivesTheEpochAndLastOffset() {
		String stream = this.prefix + "position";
		StepVerifier.create(this.history.position(stream))
			.assertNext((position) -> {
				assertThat(position.offset()).isZero();
				assertThat(position.epoch()).isNotNull();
			})
			.expectComplete()
			.verify(timeout());
		List<HistoryEntry> entries = appendAll(stream, 3, KEEP_ALL);
		String epoch = entries.get(0).epoch();
		StepVerifier.create(this.history.position(stream))
			.expectNext(new StreamPosition(epoch, 3))
			.expectComplete()
			.verify(timeout());
		appendAll(stream, 2, KEEP_ALL);
		StepVerifier.create(this.history.position(stream))
			.expectNext(new StreamPosition(epoch, 5))
			.expectComplete()
			.verify(timeout());
	}

	@Test
	void streamsAreIndependent() {
		List<HistoryEntry> a = appendAll(this.prefix + "a", 3, KEEP_ALL);
		List<HistoryEntry> b = appendAll(this.prefix + "b", 2, KEEP_ALL);
		assertThat(a).extracting(HistoryEntry::offset).containsExactly(1L, 2L, 3L);
		assertThat(b).extracting(HistoryEntry::offset).containsExactly(1L, 2L);
		StepVerifier.create(this.history.last(this.prefix + "b", 10).collectList())
			.expectNext(b)
			.expectComplete()
			.verify(timeout());
	}

	/** Appends {@code count} events one after the other, the i-th with {@link #payload(int) payload(i)}. */
	private List<HistoryEntry> appendAll(String stream, int count, Retention retention) {
		List<HistoryEntry> entries = Flux.range(0, count)
			.concatMap((i) -> this.history.append(stream, payload(i), retention))
			.collectList()
			.block(timeout());
		assertThat(entries).hasSize(count);
		return entries;
	}

	private static byte[] payload(int i) {
		return text("{\"event\":" + i + ",\"text\":\"\u00e9v\u00e9nement \ud83d\ude80\"}");
	}

	private static byte[] text(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
