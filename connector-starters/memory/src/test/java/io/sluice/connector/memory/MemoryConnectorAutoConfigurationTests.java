package io.sluice.connector.memory;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;

import io.sluice.connector.MessageBus;
import io.sluice.connector.RecordCache;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.StreamHistory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class MemoryConnectorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemoryConnectorAutoConfiguration.class));

	@Test
	void defaultsAreMemoryForEveryPortButTheQueue() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryRecordCache.class);
			assertThat(context).hasSingleBean(InMemoryRecordStore.class);
			assertThat(context).hasSingleBean(InMemoryMessageBus.class);
			assertThat(context).hasSingleBean(InMemoryStreamHistory.class);
			assertThat(context).doesNotHaveBean(StorageQueue.class);
		});
	}

	@Test
	void eachPortCanBeSetToMemory() {
		this.runner
			.withPropertyValues("sluice.cache.type=memory", "sluice.storage.type=memory", "sluice.bus.type=memory",
					"sluice.history.type=memory", "sluice.queue.type=memory")
			.run((context) -> {
				assertThat(context).hasSingleBean(InMemoryRecordCache.class);
				assertThat(context).hasSingleBean(InMemoryRecordStore.class);
				assertThat(context).hasSingleBean(InMemoryMessageBus.class);
				assertThat(context).hasSingleBean(InMemoryStreamHistory.class);
				assertThat(context).hasSingleBean(InMemoryStorageQueue.class);
			});
	}

	@Test
	void memoryQueueIsShapedByItsProperties() {
		this.runner.withPropertyValues("sluice.queue.type=memory", "sluice.memory.queue-partitions=4")
			.run((context) -> assertThat(context.getBean(InMemoryStorageQueue.class).partitions()).isEqualTo(4));
	}

	@Test
	void memoryQueueWithoutPartitionsFailsToStart() {
		this.runner.withPropertyValues("sluice.queue.type=memory", "sluice.memory.queue-partitions=0")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void fileQueueIsNotTheMemoryStarters() {
		this.runner.withPropertyValues("sluice.queue.type=file")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(StorageQueue.class));
	}

	@Test
	void queueTypeNoneGivesNoQueue() {
		this.runner.withPropertyValues("sluice.queue.type=none")
			.run((context) -> assertThat(context).doesNotHaveBean(StorageQueue.class));
	}

	@Test
	void otherTypesGiveNoMemoryAdapter() {
		this.runner
			.withPropertyValues("sluice.cache.type=redis", "sluice.storage.type=sql", "sluice.bus.type=kafka",
					"sluice.history.type=redis", "sluice.queue.type=kafka")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RecordCache.class);
				assertThat(context).doesNotHaveBean(RecordStore.class);
				assertThat(context).doesNotHaveBean(MessageBus.class);
				assertThat(context).doesNotHaveBean(InMemoryMessageBus.Medium.class);
				assertThat(context).doesNotHaveBean(StreamHistory.class);
				assertThat(context).doesNotHaveBean(StorageQueue.class);
			});
	}

	@Test
	void oneOtherTypeLeavesTheRestInMemory() {
		this.runner.withPropertyValues("sluice.storage.type=sql").run((context) -> {
			assertThat(context).doesNotHaveBean(RecordStore.class);
			assertThat(context).hasSingleBean(InMemoryRecordCache.class);
			assertThat(context).hasSingleBean(InMemoryMessageBus.class);
			assertThat(context).hasSingleBean(InMemoryStreamHistory.class);
		});
	}

	@Test
	void userBeansWin() {
		RecordCache cache = mock(RecordCache.class);
		RecordStore store = mock(RecordStore.class);
		StorageQueue queue = mock(StorageQueue.class);
		MessageBus bus = mock(MessageBus.class);
		StreamHistory history = mock(StreamHistory.class);
		this.runner.withPropertyValues("sluice.queue.type=memory")
			.withBean(RecordCache.class, () -> cache)
			.withBean(RecordStore.class, () -> store)
			.withBean(StorageQueue.class, () -> queue)
			.withBean(MessageBus.class, () -> bus)
			.withBean(StreamHistory.class, () -> history)
			.run((context) -> {
				assertThat(context).getBean(RecordCache.class).isSameAs(cache);
				assertThat(context).getBean(RecordStore.class).isSameAs(store);
				assertThat(context).getBean(StorageQueue.class).isSameAs(queue);
				assertThat(context).getBean(MessageBus.class).isSameAs(bus);
				assertThat(context).getBean(StreamHistory.class).isSameAs(history);
			});
	}

	@Test
	void adapterOfAnotherStarterWinsWhicheverWayTheyAreListed() {
		this.runner.withConfiguration(AutoConfigurations.of(OtherStoreAutoConfiguration.class)).run((context) -> {
			assertThat(context).hasSingleBean(RecordStore.class);
			assertThat(context).getBean(RecordStore.class).isSameAs(OtherStoreAutoConfiguration.STORE);
			assertThat(context).hasSingleBean(InMemoryRecordCache.class);
		});
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(OtherStoreAutoConfiguration.class, MemoryConnectorAutoConfiguration.class))
			.run((context) -> assertThat(context).getBean(RecordStore.class)
				.isSameAs(OtherStoreAutoConfiguration.STORE));
	}

	@Test
	void busNodeIdComesFromTheNodeIdProperty() {
		this.runner.withPropertyValues("sluice.node-id=node-7")
			.run((context) -> assertThat(context.getBean(MessageBus.class).nodeId()).isEqualTo("node-7"));
	}

	@Test
	void busNodeIdIsRandomWhenNotSet() {
		this.runner.run((first) -> this.runner.run((second) -> {
			String one = first.getBean(MessageBus.class).nodeId();
			assertThat(one).isNotBlank();
			assertThat(second.getBean(MessageBus.class).nodeId()).isNotEqualTo(one);
		}));
	}

	@Test
	void busesOfOneContextShareTheirMedium() {
		this.runner.run((context) -> {
			InMemoryMessageBus.Medium medium = context.getBean(InMemoryMessageBus.Medium.class);
			InMemoryMessageBus other = new InMemoryMessageBus("other", medium);
			MessageBus bus = context.getBean(MessageBus.class);
			StepVerifier.create(bus.subscribe("t").next())
				.then(() -> other.publish("t", new byte[] { 1 }).block())
				.assertNext((message) -> assertThat(message.from()).isEqualTo("other"))
				.expectComplete()
				.verify(Duration.ofSeconds(5));
		});
	}

	/** Stands for another starter's auto-configuration, which comes with no ordering of its own. */
	@AutoConfiguration
	static final class OtherStoreAutoConfiguration {

		static final RecordStore STORE = mock(RecordStore.class);

		@Bean
		RecordStore otherStore() {
			return STORE;
		}

	}

}
