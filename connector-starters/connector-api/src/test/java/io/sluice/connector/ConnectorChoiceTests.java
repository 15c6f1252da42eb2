package io.sluice.connector;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ConnectorChoiceTests {

	@Test
	void nothingSetChoosesMemoryForEveryPortAndNoQueue() {
		ConnectorChoice choice = ConnectorChoice.check(new MockEnvironment());

		assertThat(choice.options()).extracting(ConnectorChoice.Option::value)
			.containsExactly("memory", "memory", "none", "memory", "memory");
		assertThat(choice.nodeId()).hasSize(8);
	}

	@Test
	void valuesAreComparedIgnoringCaseAsTheStartersConditionsCompareThem() {
		ConnectorChoice choice = ConnectorChoice.check(new MockEnvironment().withProperty("sluice.cache.type", "Redis")
			.withProperty("sluice.storage.type", "MONGODB")
			.withProperty("sluice.queue.type", "kafka")
			.withProperty("sluice.bus.type", "kafka")
			.withProperty("sluice.history.type", "sql")
			.withProperty("sluice.node-id", "node-7"));

		assertThat(choice.cache().type()).isEqualTo(ConnectorChoice.CacheType.REDIS);
		assertThat(choice.storage().type()).isEqualTo(ConnectorChoice.StorageType.MONGODB);
		assertThat(choice.queue().type()).isEqualTo(ConnectorChoice.QueueType.KAFKA);
		assertThat(choice.bus().type()).isEqualTo(ConnectorChoice.BusType.KAFKA);
		assertThat(choice.history().type()).isEqualTo(ConnectorChoice.HistoryType.SQL);
		assertThat(choice.nodeId()).isEqualTo("node-7");
	}

	@Test
	void aTypoNamesThePropertyItsValueAndTheValuesItTakes() {
		assertThatExceptionOfType(UnknownConnectorException.class)
			.isThrownBy(() -> ConnectorChoice.check(new MockEnvironment().withProperty("sluice.queue.type", "kafak")))
			.withMessage("sluice.queue.type is 'kafak', which names no storage queue: it takes none, memory, file, "
					+ "kafka")
			.satisfies((ex) -> assertThat(ex.port()).isEqualTo(ConnectorChoice.Port.QUEUE));
	}

	@Test
	void aValueOfAnotherPortIsRefused() {
		assertThatExceptionOfType(UnknownConnectorException.class)
			.isThrownBy(() -> ConnectorChoice.check(new MockEnvironment().withProperty("sluice.storage.type", "redis")))
			.withMessageStartingWith("sluice.storage.type is 'redis', which names no record store");
	}

	@Test
	void anEmptyOrPaddedValueIsRefusedSinceNoConditionWouldMatchIt() {
		for (String value : new String[] { "", " memory" }) {
			assertThatExceptionOfType(UnknownConnectorException.class)
				.isThrownBy(() -> ConnectorChoice.check(new MockEnvironment().withProperty("sluice.cache.type", value)))
				.withMessageStartingWith("sluice.cache.type is '" + value + "'");
		}
	}

	@Test
	void choosingPropertiesNameEveryPortSetToATechnology() {
		MockEnvironment environment = new MockEnvironment().withProperty("sluice.cache.type", "redis")
			.withProperty("sluice.history.type", "REDIS")
			.withProperty("sluice.bus.type", "memory");

		assertThat(ConnectorChoice.choosingProperties(environment, "redis"))
			.containsExactly("sluice.cache.type=redis", "sluice.history.type=redis");
	}

	@Test
	void everyValueNamesTheStarterThatProvidesIt() {
		assertThat(ConnectorChoice.Port.QUEUE.describeOptions())
			.isEqualTo("none (no storage queue), memory (io.sluice:sluice-memory-starter), "
					+ "file (io.sluice:sluice-file-starter), kafka (io.sluice:sluice-kafka-starter)");
		assertThat(ConnectorChoice.Port.of(RecordStore.class)).isEqualTo(ConnectorChoice.Port.STORAGE);
	}

}
