package io.sluice.gateway.history;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.HistoryEntry;
import io.sluice.connector.QueuedHistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamArchive;
import io.sluice.connector.StreamPosition;
import io.sluice.connector.memory.InMemoryStorageQueue;
import io.sluice.connector.memory.InMemoryStreamHistory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * History in two tiers, on the memory adapters: a hot history, the storage queue, and an archive that a small drain
 * standing in for the storage worker fills from the queue. Losing the hot tier is a new hot history on the same
 * archive and queue.
 */
class TieredStreamHistoryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Retention KEEP = Retention.entries(1000);

	private static final String NAME = "chat/lobby";

	private final InMemoryStorageQueue queue = new InMemoryStorageQueue(4, 64, Duration.ZERO);

	private final StreamArchive archive = new InMemoryStreamHistory().archive();

	private final List<Disposable> drains = new ArrayList<>();

	@AfterEach
	void stopDraining() {
		this.drains.forEach(Disposable::dispose);
	}

	@Test
	void appendedEntriesReachTheArchiveThroughTheQueue() {
		drain();
		TieredStreamHistory history = tiered(new InMemoryStreamHistory());
		List<HistoryEntry> appended = append(history, 3);
		assertThat(appended).extracting(HistoryEntry::offset).containsExactly(1L, 2L, 3L);
		drained();
		StepVerifier.create(this.archive.history().from(NAME, 1, 10).collectList())
			.assertNext((stored) -> assertThat(stored).extracting(HistoryEntry::offset).containsExactly(1L, 2L, 3L))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aStreamsFirstEpochIsTheArchives() {
		drain();
		HistoryEntry first = tiered(new InMemoryStreamHistory()).append(NAME, data(1), KEEP).block(TIMEOUT);
		assertThat(first.offset()).isEqualTo(1);
		assertThat(this.archive.history().position(NAME).block(TIMEOUT).epoch()).isEqualTo(first.epoch());
	}

	@Test
	void afterTheHotTierIsLostOffsetsContinueUnderTheSameEpoch() {
		drain();
		List<HistoryEntry> before = append(tiered(new InMemoryStreamHistory()), 5);
		String epoch = before.get(0).epoch();

		TieredStreamHistory restarted = tiered(new InMemoryStreamHistory());
		StepVerifier.create(restarted.position(NAME))
			.expectNext(new StreamPosition(epoch, 5))
			.expectComplete()
			.verify(TIMEOUT);
		List<HistoryEntry> after = append(restarted, 2);
		assertThat(after).extracting(HistoryEntry::offset).containsExactly(6L, 7L);
		assertThat(after).extracting(HistoryEntry::epoch).containsOnly(epoch);
	}

	@Test
	void readsFillOlderOffsetsFromTheArchiveInOrder() {
		drain();
		List<HistoryEntry> before = append(tiered(new InMemoryStreamHistory()), 5);
		TieredStreamHistory restarted = tiered(new InMemoryStreamHistory());
		List<HistoryEntry> after = append(restarted, 2);

		assertOffsets(restarted.range(NAME, 1, 7), 1, 2, 3, 4, 5, 6, 7);
		assertOffsets(restarted.range(NAME, 4, 6), 4, 5, 6);
		assertOffsets(restarted.from(NAME, 3, 10), 3, 4, 5, 6, 7);
		assertOffsets(restarted.from(NAME, 2, 3), 2, 3, 4);
		assertOffsets(restarted.last(NAME, 4), 4, 5, 6, 7);
		assertOffsets(restarted.last(NAME, 1), 7);
		assertOffsets(restarted.since(NAME, before.get(2).timestamp(), 100), 3, 4, 5, 6, 7);
		assertOffsets(restarted.since(NAME, after.get(1).timestamp(), 100), 7);
		StepVerifier.create(restarted.range(NAME, 1, 7).collectList())
			.assertNext((entries) -> {
				assertThat(entries.subList(0, 5)).extracting(HistoryEntry::payload)
					.containsExactlyElementsOf(before.stream().map(HistoryEntry::payload).toList());
				assertThat(entries.subList(5, 7)).isEqualTo(after);
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aReadThroughTheEventHistoryIsOneCompletePage() {
		drain();
		append(tiered(new InMemoryStreamHistory()), 5);
		TieredStreamHistory restarted = tiered(new InMemoryStreamHistory());
		append(restarted, 2);
		EventHistory events = new EventHistory(restarted,
				new HistoryStreams(new HistoryProperties(List.of(new HistoryProperties.Stream("chat/.*", 1000, null, true)),
						1000)),
				1000);
		StepVerifier.create(events.read(new HistoryQuery.From(NAME, 1, null)))
			.assertNext((page) -> {
				assertThat(page.complete()).isTrue();
				assertThat(page.entries()).extracting(HistoryEntry::offset).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void entriesBeyondTheRetentionAreNotReadFromTheArchiveBeforeTheWorkerTrimmedThem() {
		drain();
		// Queued as kept whole, so the archive holds all of them: as it does until the worker trims.
		append(tiered(new InMemoryStreamHistory()), 5);
		TieredStreamHistory restarted = new TieredStreamHistory(new InMemoryStreamHistory(), this.archive, this.queue,
				(name) -> Retention.entries(3));
		append(restarted, 1);
		assertOffsets(restarted.range(NAME, 1, 6), 4, 5, 6);
		assertOffsets(restarted.from(NAME, 1, 10), 4, 5, 6);
		assertOffsets(restarted.last(NAME, 10), 4, 5, 6);
	}

	@Test
	void aLostStreamIsNotStartedAgainBeforeTheQueueHandedTheArchiveItsEntries() {
		// No drain: the entries stay in the queue, so the archive cannot say where the stream stands.
		append(tiered(new InMemoryStreamHistory()), 2);
		TieredStreamHistory restarted = new TieredStreamHistory(new InMemoryStreamHistory(), this.archive, this.queue,
				(name) -> KEEP, Duration.ofMillis(100));
		StepVerifier.create(restarted.append(NAME, data(3), KEEP))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ConnectorException.class)
				.hasMessageContaining("storage worker"))
			.verify(TIMEOUT);
		drain();
		StepVerifier.create(restarted.append(NAME, data(3), KEEP).map(HistoryEntry::offset))
			.expectNext(3L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void anAppendWaitingForItsStreamToStartComesBeforeLaterOnes() {
		// Not drained yet: an append to the lost stream waits for the queue to hand the archive its entries.
		append(tiered(new InMemoryStreamHistory()), 2);
		InMemoryStreamHistory hot = new InMemoryStreamHistory();
		TieredStreamHistory restarted = tiered(hot);
		Mono<HistoryEntry> waiting = restarted.append(NAME, data(3), KEEP).cache();
		this.drains.add(waiting.subscribe());
		// Another node starts the stream meanwhile (a hot tier such as Redis is shared): an append made here after
		// the waiting one must still come after it.
		String epoch = this.archive.history().position(NAME).block(TIMEOUT).epoch();
		hot.start(NAME, new StreamPosition(epoch, 2)).block(TIMEOUT);
		Mono<HistoryEntry> later = restarted.append(NAME, data(4), KEEP).cache();
		this.drains.add(later.subscribe());
		drain();
		StepVerifier.create(Mono.zip(waiting, later))
			.assertNext((both) -> {
				assertThat(both.getT1().offset()).isEqualTo(3);
				assertThat(both.getT2().offset()).isEqualTo(4);
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void tensOfThousandsOfAppendsWaitingForTheirStreamToStartAreMadeInOrder() {
		// A publisher faster than the start: every append it makes meanwhile waits, and once the queue has handed the
		// archive its entries they are made one after the other (before, as a chain of appends each behind the last,
		// whose completion overflowed the stack of the thread that ended the start, and left every later one hanging).
		append(tiered(new InMemoryStreamHistory()), 2);
		TieredStreamHistory restarted = tiered(new InMemoryStreamHistory());
		int waiting = 50_000;
		List<Mono<HistoryEntry>> appends = new ArrayList<>(waiting);
		for (int i = 0; i < waiting; i++) {
			Mono<HistoryEntry> append = restarted.append(NAME, data(3 + i), KEEP).cache();
			this.drains.add(append.subscribe());
			appends.add(append);
		}
		drain();
		StepVerifier.create(Flux.concat(appends).map(HistoryEntry::offset).collectList())
			.assertNext((offsets) -> {
				assertThat(offsets).hasSize(waiting);
				for (int i = 0; i < waiting; i++) {
					assertThat(offsets.get(i)).isEqualTo(3L + i);
				}
			})
			.expectComplete()
			.verify(Duration.ofSeconds(30));
		// Started and no longer waiting: the next append goes straight to the hot tier.
		StepVerifier.create(restarted.append(NAME, data(0), KEEP).map(HistoryEntry::offset))
			.expectNext(3L + waiting)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aStreamKeptHotOnlyIsNeitherQueuedNorStartedAgainFromTheArchive() {
		// No drain: a stream kept in the store would wait for the queue; this one never reaches it.
		TieredStreamHistory history = new TieredStreamHistory(new InMemoryStreamHistory(), this.archive, this.queue,
				(name) -> KEEP, (name) -> false);
		List<HistoryEntry> before = append(history, 3);
		assertThat(before).extracting(HistoryEntry::offset).containsExactly(1L, 2L, 3L);
		StepVerifier.create(this.queue.drainedRecord(QueuedHistoryEntry.queueName(NAME)))
			.expectComplete()
			.verify(TIMEOUT);
		assertOffsets(history.range(NAME, 1, 3), 1, 2, 3);
		assertOffsets(this.archive.history().from(NAME, 1, 10));

		// The hot tier lost: the stream starts again at offset 1, under another epoch, at once.
		TieredStreamHistory restarted = new TieredStreamHistory(new InMemoryStreamHistory(), this.archive, this.queue,
				(name) -> KEEP, (name) -> false);
		HistoryEntry first = restarted.append(NAME, data(4), KEEP).block(TIMEOUT);
		assertThat(first.offset()).isEqualTo(1);
		assertThat(first.epoch()).isNotEqualTo(before.get(0).epoch());
		StepVerifier.create(restarted.position(NAME))
			.expectNext(new StreamPosition(first.epoch(), 1))
			.expectComplete()
			.verify(TIMEOUT);
	}

	private TieredStreamHistory tiered(InMemoryStreamHistory hot) {
		return new TieredStreamHistory(hot, this.archive, this.queue, (name) -> KEEP);
	}

	/** Stands in for the storage worker: stores each batch's history entries in the archive, then commits it. */
	private void drain() {
		this.drains.add(this.queue.consume()
			.concatMap((batch) -> Flux.fromIterable(batch.writes())
				.map(QueuedHistoryEntry::fromWrite)
				.concatMap((queued) -> this.archive.store(queued.entry().stream(), List.of(queued.entry()),
						queued.retention()))
				.then(batch.commit()))
			.subscribe());
	}

	private void drained() {
		StepVerifier.create(this.queue.drainedRecord(QueuedHistoryEntry.queueName(NAME)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	private static List<HistoryEntry> append(TieredStreamHistory history, int count) {
		return Flux.range(1, count).concatMap((i) -> history.append(NAME, data(i), KEEP)).collectList().block(TIMEOUT);
	}

	private static void assertOffsets(Flux<HistoryEntry> read, long... offsets) {
		StepVerifier.create(read.map(HistoryEntry::offset).collectList())
			.assertNext((found) -> assertThat(found).containsExactly(boxed(offsets)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	private static Long[] boxed(long[] offsets) {
		Long[] boxed = new Long[offsets.length];
		for (int i = 0; i < offsets.length; i++) {
			boxed[i] = offsets[i];
		}
		return boxed;
	}

	private static byte[] data(int i) {
		return ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
	}

}
