package io.sluice.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryRecordCache;
import io.sluice.connector.memory.InMemoryRecordStore;
import io.sluice.record.RecordService;
import io.sluice.connector.tck.ForwardingRecordStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write path of DESIGN §2 end to end over a real Kafka broker (KRaft, in this JVM): two record-service
 * nodes sharing one cache, each offering to the Kafka storage queue, and a storage worker in a third
 * application context draining it into the store. Every acknowledged write must reach the store once, in order.
 */
class WritePathThroughKafkaIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final int RECORDS = 500;

	private static EmbeddedKafkaKraftBroker broker;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final RecordCache cache = new InMemoryRecordCache();

	private final AuditedStore store = new AuditedStore(new InMemoryRecordStore());

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final Map<String, String> lastData = new ConcurrentHashMap<>();

	@BeforeAll
	static void startBroker() {
		broker = new EmbeddedKafkaKraftBroker(1, 1);
		broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.destroy();
		}
	}

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext node(String name, boolean worker) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Node.class)
			.web(WebApplicationType.NONE)
			.properties("spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(), "sluice.queue.type=kafka",
					"sluice.kafka.queue.topic=it.writes." + this.run, "sluice.kafka.queue.partitions=8",
					"sluice.kafka.queue.group-id=it-workers-" + this.run, "sluice.node-id=" + name,
					"sluice.worker.enabled=" + worker, "sluice.worker.min-backoff=20ms",
					"sluice.worker.max-backoff=200ms", "sluice.worker.breaker.open-wait=500ms",
					"spring.main.banner-mode=off")
			.initializers((ctx) -> {
				// The shared cache stands for Redis; the shared store for the database.
				ctx.getBeanFactory().registerSingleton("sharedCache", this.cache);
				ctx.getBeanFactory().registerSingleton("sharedStore", this.store);
			})
			.run();
		this.contexts.add(context);
		return context;
	}

	@Test
	void tenThousandWritesFromSeveralClientsLandAtTheirLastAcknowledgedVersions() {
		List<RecordService> nodes = List.of(node("records-a", false).getBean(RecordService.class),
				node("records-b", false).getBean(RecordService.class));
		ConfigurableApplicationContext worker = node("worker", true);
		Map<String, Long> acknowledged = write(nodes, 10_000, 64, null, (record, index) -> record % 2);
		assertStoreHolds(acknowledged, worker.getBean(StorageQueue.class), true);
	}

	@Test
	void writesAreAcknowledgedWhileTheStoreIsDownAndTheWorkerCatchesUp() {
		List<RecordService> nodes = List.of(node("records-a", false).getBean(RecordService.class),
				node("records-b", false).getBean(RecordService.class));
		ConfigurableApplicationContext worker = node("worker", true);
		// Records exist before the outage: creating a record needs the store to say it is new, which it can
		// only say once the queue has drained its partition.
		Flux.range(0, RECORDS).flatMap((record) -> nodes.get(0).set(name(record), 1, "{}".getBytes(), "setup"), 32)
			.blockLast(TIMEOUT);
		Map<String, Long> acknowledged = write(nodes, 6_000, 64, (index) -> {
			// The store is unreachable for the middle third of the run.
			if (index == 2_000) {
				this.store.down.set(true);
			}
			if (index == 4_000) {
				this.store.down.set(false);
			}
		}, (record, index) -> record % 2);
		assertThat(this.store.refused.get()).as("store writes refused while it was down").isPositive();
		assertStoreHolds(acknowledged, worker.getBean(StorageQueue.class), true);
	}

	@Test
	void recordsThatMoveToAnotherNodeMidRunKeepEveryAcknowledgedWriteInOrder() {
		List<RecordService> nodes = List.of(node("records-a", false).getBean(RecordService.class),
				node("records-b", false).getBean(RecordService.class));
		ConfigurableApplicationContext worker = node("worker", true);
		// Halfway through, every record moves to the other node while writes are in flight.
		Map<String, Long> acknowledged = write(nodes, 6_000, 64, null,
				(record, index) -> (record + ((index < 3_000) ? 0 : 1)) % 2);
		// While ownership moves, a write from the old owner may reach the queue after a newer one from the
		// new owner; the store's version guard then keeps the newer, which already holds the older's effect.
		assertStoreHolds(acknowledged, worker.getBean(StorageQueue.class), false);
	}

	/** Writes {@code count} forced writes to random records through both nodes; returns the last acknowledged. */
	private Map<String, Long> write(List<RecordService> nodes, int count, int concurrency,
			java.util.function.IntConsumer beforeEach, java.util.function.IntBinaryOperator owner) {
		Map<String, Long> acknowledged = new ConcurrentHashMap<>();
		AtomicInteger failed = new AtomicInteger();
		Flux.range(0, count).flatMap((index) -> {
			if (beforeEach != null) {
				beforeEach.accept(index);
			}
			int target = ThreadLocalRandom.current().nextInt(RECORDS);
			String name = name(target);
			RecordService node = nodes.get(owner.applyAsInt(target, index));
			byte[] data = ("{\"write\":" + index + "}").getBytes();
			return node.set(name, RecordService.FORCE, data, "client-" + (index % 8))
				.doOnNext((record) -> {
					synchronized (acknowledged) {
						if (record.version() > acknowledged.getOrDefault(name, 0L)) {
							acknowledged.put(name, record.version());
							this.lastData.put(name, new String(data));
						}
					}
				})
				.onErrorResume((error) -> {
					failed.incrementAndGet();
					return Mono.empty();
				});
		}, concurrency).blockLast(TIMEOUT);
		assertThat(failed.get()).as("writes that failed").isZero();
		return acknowledged;
	}

	private void assertStoreHolds(Map<String, Long> acknowledged, StorageQueue queue, boolean oneOwner) {
		Flux.fromIterable(acknowledged.keySet()).flatMap(queue::drained, 32).blockLast(TIMEOUT);
		acknowledged.forEach((name, version) -> {
			VersionedRecord stored = this.store.find(name).block(TIMEOUT);
			assertThat(stored).as(name).isNotNull();
			assertThat(stored.version()).as(name).isEqualTo(version);
			List<Long> applied = this.store.applied.get(name);
			// None applied twice, none out of order.
			assertThat(applied).as(name).isSorted().doesNotHaveDuplicates().endsWith(version);
			if (oneOwner) {
				// With one owner per record, every acknowledged version reached the store: 1, 2, ..., last.
				assertThat(applied).as(name).hasSize(version.intValue());
			}
			assertThat(new String(stored.data())).as(name).isEqualTo(this.lastData.get(name));
		});
	}

	private String name(int record) {
		return "wp/" + this.run + "/r" + record;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Node {

	}

	/**
	 * The in-memory store, keeping the order in which versions were applied per record, and able to refuse
	 * writes the way an unreachable database does.
	 */
	static final class AuditedStore extends ForwardingRecordStore {

		private final Map<String, List<Long>> applied = new ConcurrentHashMap<>();

		private final AtomicBoolean down = new AtomicBoolean();

		private final AtomicInteger refused = new AtomicInteger();

		AuditedStore(RecordStore delegate) {
			super(delegate);
		}

		@Override
		public Mono<Integer> upsertIfNewer(List<VersionedRecord> records) {
			if (this.down.get()) {
				this.refused.incrementAndGet();
				return Mono.error(new ConnectorException("test", "database unreachable"));
			}
			// One worker drains each partition in order, so no two batches of one record run at once.
			synchronized (this) {
				Map<String, Long> current = new java.util.HashMap<>();
				for (VersionedRecord record : records) {
					long stored = current.computeIfAbsent(record.name(), (name) -> {
						VersionedRecord found = delegate().find(name).block();
						return (found != null) ? found.version() : 0L;
					});
					if (record.version() > stored) {
						this.applied.computeIfAbsent(record.name(), (name) -> new ArrayList<>()).add(record.version());
						current.put(record.name(), record.version());
					}
				}
				return delegate().upsertIfNewer(records);
			}
		}

	}

}
