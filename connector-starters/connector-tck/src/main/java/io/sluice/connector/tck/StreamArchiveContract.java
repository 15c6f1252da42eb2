package io.sluice.connector.tck;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.StreamPosition;

/**
 * The contract of {@link StreamArchive}: entries stored as they were appended in a hot history, read back through
 * {@link StreamArchive#history()}; and, in {@link History}, the {@link StreamHistoryContract} on that history, which a
 * store without a hot tier appends to directly. An adapter's test extends this class and supplies the archive through
 * {@link #archive()}, called once before each test; each test uses streams of its own. Times are whole milliseconds,
 * the finest every store keeps.
 */
public abstract class StreamArchiveContract {

	private static final Retention KEEP_ALL = Retention.entries(100_000);

	private static final Instant START = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private StreamArchive archive;

	private StreamHistory history;

	private String prefix;

	/** The archive under test; called once before each test. */
	protected abstract StreamArchive archive();

	/** How long any one step may take before the test fails. */
	protected Duration timeout() {
		return Duration.ofSeconds(10);
	}

	@BeforeEach
	void setUpArchive() {
		this.archive = archive();
		this.history = this.archive.history();
		this.prefix = TckNames.unique("archive");
	}

	@Test
	void storedEntriesReadBackAsTheyWereAppended() {
		String stream = this.prefix + "stored";
		List<HistoryEntry> entries = entries(stream, "epoch-a", 1, 5);
		store(stream, entries, KEEP_ALL);
		expect(this.history.from(stream, 1, 10), entries);
		expect(this.history.range(stream, 2, 3), entries.subList(1, 3));
		expect(this.history.since(stream, entries.get(3).timestamp(), 10), entries.subList(3, 5));
		expectPosition(stream, new StreamPosition("epoch-a", 5));
	}

	@Test
	void storingAgainIsHarmless() {
		String stream = this.prefix + "again";
		List<HistoryEntry> entries = entries(stream, "epoch-a", 1, 5);
		store(stream, entries.subList(0, 3), KEEP_ALL);
		store(stream, entries.subList(1, 5), KEEP_ALL);
		store(stream, entries, KEEP_ALL);
		expect(this.history.from(stream, 1, 10), entries);
	}

	@Test
	void aLargeBatchIsStoredWholeAfterEntriesStoredBefore() {
		// A storage worker's batch of one stream can hold thousands of entries, more than a store writes at once; one
		// handed over again after a restart holds some already stored.
		String stream = this.prefix + "large";
		List<HistoryEntry> entries = entries(stream, "epoch-a", 1, 250);
		store(stream, entries.subList(0, 130), KEEP_ALL);
		store(stream, entries, KEEP_ALL);
		expect(this.history.from(stream, 1, 1000), entries);
		expectPosition(stream, new StreamPosition("epoch-a", 250));
	}

	@Test
	void aStreamFirstStoredFromTheMiddleStandsAtItsHighestOffset() {
		String stream = this.prefix + "middle";
		List<HistoryEntry> entries = entries(stream, "epoch-a", 41, 3);
		store(stream, entries, KEEP_ALL);
		expectPosition(stream, new StreamPosition("epoch-a", 43));
		expect(this.history.range(stream, 1, 100), entries);
	}

	@Test
	void storingTrimsToTheRetentionByCount() {
		String stream = this.prefix + "count";
		List<HistoryEntry> entries = entries(stream, "epoch-a", 1, 10);
		store(stream, entries.subList(0, 6), Retention.entries(4));
		store(stream, entries.subList(6, 10), Retention.entries(4));
		expect(this.history.from(stream, 1, 100), entries.subList(6, 10));
		expectPosition(stream, new StreamPosition("epoch-a", 10));
	}

	@Test
	void storingTrimsToTheRetentionByAgeCountedFromTheNewestEntry() {
		String stream = this.prefix + "age";
		// One second apart: with an age of 3.5 s, the newest four are young enough.
		List<HistoryEntry> entries = entries(stream, "epoch-a", 1, 10);
		store(stream, entries, new Retention(1000, Duration.ofMillis(3_500)));
		expect(this.history.from(stream, 1, 100), entries.subList(6, 10));
	}

	@Test
	void entriesOfAnotherEpochStartTheStreamOver() {
		String stream = this.prefix + "epochs";
		store(stream, entries(stream, "epoch-a", 1, 3), KEEP_ALL);
		List<HistoryEntry> restarted = entries(stream, "epoch-b", 1, 2);
		store(stream, restarted, KEEP_ALL);
		expect(this.history.from(stream, 1, 10), restarted);
		expectPosition(stream, new StreamPosition("epoch-b", 2));
	}

	@Test
	void streamsAreStoredIndependently() {
		List<HistoryEntry> a = entries(this.prefix + "a", "epoch-a", 1, 2);
		List<HistoryEntry> b = entries(this.prefix + "b", "epoch-b", 1, 3);
		store(this.prefix + "a", a, KEEP_ALL);
		store(this.prefix + "b", b, KEEP_ALL);
		expect(this.history.last(this.prefix + "a", 10), a);
		expect(this.history.last(this.prefix + "b", 10), b);
	}

	/** The archive's history used on its own: appended to directly, as by a store without a hot tier. */
	@Nested
	class History extends StreamHistoryContract {

		@Override
		protected StreamHistory history() {
			// The enclosing class's set-up has run before this one's, so the archive is this test's.
			return StreamArchiveContract.this.archive.history();
		}

		@Override
		protected Duration timeout() {
			return StreamArchiveContract.this.timeout();
		}

	}

	private void expect(Flux<HistoryEntry> read, List<HistoryEntry> expected) {
		StepVerifier.create(read.collectList()).expectNext(expected).expectComplete().verify(timeout());
	}

	private void expectPosition(String stream, StreamPosition expected) {
		StepVerifier.create(this.history.position(stream)).expectNext(expected).expectComplete().verify(timeout());
	}

	private void store(String stream, List<HistoryEntry> entries, Retention retention) {
		StepVerifier.create(this.archive.store(stream, entries, retention)).expectComplete().verify(timeout());
	}

	/** {@code count} entries from {@code offset}, one second apart, as a hot history appends them. */
	private static List<HistoryEntry> entries(String stream, String epoch, long offset, int count) {
		List<HistoryEntry> entries = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			long at = offset + i;
			entries.add(new HistoryEntry(stream, at, epoch, START.plusSeconds(at),
					("{\"event\":" + at + ",\"text\":\"\u00e9v\u00e9nement\"}").getBytes(StandardCharsets.UTF_8)));
		}
		return entries;
	}

}
