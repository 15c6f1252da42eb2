package io.sluice.storage;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.connector.memory.InMemoryStorageQueue;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class StorageWorkerMetricsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void batchesWritesFailuresBreakerStateAndLagPerPartitionAreMetered() {
		// One partition, batches of up to four: ten writes are batches of 4, 4 and 2, with 6, 2 and 0 behind them.
		InMemoryStorageQueue queue = new InMemoryStorageQueue(1, 4);
		FlakyStore store = new FlakyStore(new InMemoryRecordStore());
		store.failuresLeft.set(2);
		StorageWorker worker = new StorageWorker(queue, store,
				StorageWorkerProperties.withBackoff(Duration.ofMillis(5), Duration.ofMillis(20)),
				new StorageWorkerMetrics(this.registry));
		for (int record = 0; record < 10; record++) {
			queue.offer(VersionedRecord.of("metrics/r" + record, 1, "{}")).block(TIMEOUT);
		}
		worker.start();
		try {
			StepVerifier.create(queue.drained("metrics/r0")).expectComplete().verify(TIMEOUT);
		}
		finally {
			worker.stop();
		}
		assertThat(this.registry.get(StorageWorkerMetrics.BATCH_SIZE).summary().count()).isEqualTo(3);
		assertThat(this.registry.get(StorageWorkerMetrics.BATCH_SIZE).summary().totalAmount()).isEqualTo(10);
		assertThat(this.registry.get(StorageWorkerMetrics.BATCH_SIZE).summary().max()).isEqualTo(4);
		assertThat(this.registry.get(StorageWorkerMetrics.RECORDS_WRITTEN).counter().count()).isEqualTo(10);
		assertThat(this.registry.get(StorageWorkerMetrics.STORE_FAILURES).counter().count()).isEqualTo(2);
		assertThat(this.registry.get(StorageWorkerMetrics.LAG).tag("partition", "0").gauge().value()).isZero();
		assertThat(this.registry.get(StorageWorkerMetrics.BREAKER_STATE).tag("state", "closed").gauge().value())
			.isEqualTo(1);
		assertThat(this.registry.get(StorageWorkerMetrics.BREAKER_STATE).tag("state", "open").gauge().value())
			.isZero();
	}

	@Test
	void theLagGaugeShowsWhatWasBehindTheLatestBatch() {
		StorageWorkerMetrics metrics = new StorageWorkerMetrics(this.registry);
		metrics.batchTaken(3, 4, 6);
		assertThat(this.registry.get(StorageWorkerMetrics.LAG).tag("partition", "3").gauge().value()).isEqualTo(6);
		metrics.batchTaken(3, 4, 2);
		// A queue that cannot tell leaves the last known lag.
		metrics.batchTaken(3, 2, -1);
		assertThat(this.registry.get(StorageWorkerMetrics.LAG).tag("partition", "3").gauge().value()).isEqualTo(2);
		assertThat(this.registry.find(StorageWorkerMetrics.LAG).tag("partition", "0").gauge()).isNull();
	}

	@Test
	void theOldestUnstoredAgeRunsFromTheFirstBatchOfARunBehindUntilABatchThatCaughtUpIsStored() {
		long[] now = { 1_000_000_000L };
		StorageWorkerMetrics metrics = new StorageWorkerMetrics(this.registry, () -> now[0]);
		assertThat(oldestUnstoredSeconds()).isZero();
		metrics.batchTaken(0, 4, 6);
		now[0] += 2_000_000_000L;
		metrics.batchStored(0, 4);
		// Still behind: six writes were waiting when the first batch was taken.
		metrics.batchTaken(0, 4, 0);
		now[0] += 1_000_000_000L;
		metrics.batchTaken(1, 1, 0);
		assertThat(oldestUnstoredSeconds()).isEqualTo(3.0);
		metrics.batchStored(0, 4);
		assertThat(oldestUnstoredSeconds()).isZero();
		now[0] += 500_000_000L;
		metrics.batchStored(1, 1);
		assertThat(oldestUnstoredSeconds()).isZero();
	}

	private double oldestUnstoredSeconds() {
		return this.registry.get(StorageWorkerMetrics.OLDEST_UNSTORED).timeGauge().value(TimeUnit.SECONDS);
	}

	@Test
	void metricsAreThereOnlyWithAMeterRegistry() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(MemoryConnectorAutoConfiguration.class, StorageWorkerAutoConfiguration.class))
			.withPropertyValues("sluice.queue.type=memory");
		runner.run((context) -> {
			assertThat(context).hasSingleBean(StorageWorker.class);
			assertThat(context).doesNotHaveBean(StorageWorkerMetrics.class);
		});
		runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(StorageWorkerMetrics.class);
			assertThat(context.getBean(MeterRegistry.class).get(StorageWorkerMetrics.BREAKER_STATE).gauges())
				.hasSize(3);
		});
	}

}
