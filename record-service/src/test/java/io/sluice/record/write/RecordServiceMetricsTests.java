package io.sluice.record.write;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.sluice.connector.RecordCache;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.InMemoryRecordCache;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.RecordService;
import io.sluice.record.VersionExistsException;
import io.sluice.record.feed.RecordChangeFeed;

import static org.assertj.core.api.Assertions.assertThat;

/** The record service's meters, over the real in-memory connectors. */
class RecordServiceMetricsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final RacingCache cache = new RacingCache();

	private final InMemoryRecordStore store = new InMemoryRecordStore();

	private final RecordService records = new WriteThroughRecordService(this.cache, this.store,
			DurableWrites.direct(this.store),
			new RecordChangeFeed(new InMemoryMessageBus("node", new InMemoryMessageBus.Medium())), new RecordJson(64),
			16, Duration.ofSeconds(5), RecordExpiry.withoutRules(), new RecordServiceMetrics(this.registry));

	@Test
	void writesAreCountedByOperationAndOutcomeAndTheAcknowledgedOnesTimed() {
		StepVerifier.create(this.records.set("metrics/w", 1, bytes("{\"a\":1}"), "o")).expectNextCount(1)
			.expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.patch("metrics/w", 2, "a", bytes("2"), "o")).expectNextCount(1)
			.expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.set("metrics/w", 2, bytes("{}"), "o"))
			.expectError(VersionExistsException.class).verify(TIMEOUT);
		StepVerifier.create(this.records.delete("metrics/w", "o")).expectNextCount(1).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.delete("metrics/w", "o"))
			.expectError(RecordNotFoundException.class).verify(TIMEOUT);

		assertThat(writes("set", "ok")).isEqualTo(1);
		assertThat(writes("patch", "ok")).isEqualTo(1);
		assertThat(writes("set", "conflict")).isEqualTo(1);
		assertThat(writes("delete", "ok")).isEqualTo(1);
		assertThat(writes("delete", "not_found")).isEqualTo(1);
		assertThat(writes("erase", "ok")).isZero();
		assertThat(this.registry.get(RecordServiceMetrics.ACKNOWLEDGEMENT).tag("operation", "set").timer().count())
			.isEqualTo(1);
		assertThat(this.registry.get(RecordServiceMetrics.ACKNOWLEDGEMENT).tag("operation", "delete").timer().count())
			.as("only acknowledged writes are timed")
			.isEqualTo(1);
		assertThat(this.registry.get(RecordServiceMetrics.ACKNOWLEDGEMENT).tag("operation", "set").timer()
			.takeSnapshot().histogramCounts()).isNotEmpty();
	}

	@Test
	void cacheHitsMissesDrainWaitsAndLostCompareAndSetsAreCounted() {
		StepVerifier.create(this.records.read("metrics/absent")).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.set("metrics/c", 1, bytes("{}"), "o")).expectNextCount(1)
			.expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.records.read("metrics/c")).expectNextCount(1).expectComplete().verify(TIMEOUT);
		assertThat(this.registry.get(RecordServiceMetrics.CACHE_READS).tag("result", "miss").counter().count())
			.isEqualTo(2);
		assertThat(this.registry.get(RecordServiceMetrics.CACHE_READS).tag("result", "hit").counter().count())
			.isEqualTo(1);
		assertThat(this.registry.get(RecordServiceMetrics.DRAIN_WAITS).timer().count()).isEqualTo(2);
		assertThat(this.registry.get(RecordServiceMetrics.DRAIN_WAITS).timer().totalTime(TimeUnit.NANOSECONDS))
			.isPositive();

		// Another writer takes version 2 between this write's read and its compare-and-set.
		this.cache.raceOnce.set(true);
		StepVerifier.create(this.records.patch("metrics/c", RecordService.FORCE, "b", bytes("1"), "o"))
			.assertNext((record) -> assertThat(record.version()).isEqualTo(3))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.registry.get(RecordServiceMetrics.CAS_RETRIES).counter().count()).isEqualTo(1);
	}

	@Test
	void theMetersAreThereOnlyWithAMeterRegistry() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(MemoryConnectorAutoConfiguration.class, RecordServiceAutoConfiguration.class))
			.withPropertyValues("sluice.queue.type=memory");
		runner.run((context) -> {
			assertThat(context).hasSingleBean(RecordService.class);
			assertThat(context).doesNotHaveBean(RecordServiceMetrics.class);
		});
		runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(RecordServiceMetrics.class);
			assertThat(context.getBean(MeterRegistry.class).find(RecordServiceMetrics.WRITES).counters()).hasSize(20);
		});
	}

	private double writes(String operation, String outcome) {
		return this.registry.get(RecordServiceMetrics.WRITES).tags("operation", operation, "outcome", outcome)
			.counter().count();
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	/** A cache where, when asked, another writer wins the next compare-and-set just before it is tried. */
	private static final class RacingCache implements RecordCache {

		private final InMemoryRecordCache cache = new InMemoryRecordCache();

		final AtomicBoolean raceOnce = new AtomicBoolean();

		@Override
		public Mono<VersionedRecord> get(String name) {
			return this.cache.get(name);
		}

		@Override
		public Mono<CasResult> compareAndSet(long expectedVersion, VersionedRecord next) {
			if (this.raceOnce.compareAndSet(true, false)) {
				return this.cache.compareAndSet(expectedVersion, VersionedRecord.of(next.name(), next.version(), "{}"))
					.then(this.cache.compareAndSet(expectedVersion, next));
			}
			return this.cache.compareAndSet(expectedVersion, next);
		}

		@Override
		public Mono<Boolean> evict(String name, long version) {
			return this.cache.evict(name, version);
		}

	}

}
