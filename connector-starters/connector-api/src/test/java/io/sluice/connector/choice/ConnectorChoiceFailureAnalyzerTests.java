package io.sluice.connector.choice;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

import io.sluice.connector.ConnectionMissingException;
import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.RecordStore;
import io.sluice.connector.StorageQueue;
import io.sluice.connector.UnknownConnectorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConnectorChoiceFailureAnalyzerTests {

	@Test
	void aTypoIsExplainedWithEveryValueAndItsStarter() {
		UnknownConnectorException typo = catchThrowableOfType(UnknownConnectorException.class,
				() -> ConnectorChoice.check(new MockEnvironment().withProperty("sluice.bus.type", "rediss")));

		FailureAnalysis analysis = new UnknownConnectorFailureAnalyzer().analyze(new IllegalStateException(typo));

		assertThat(analysis.getDescription()).isEqualTo("sluice.bus.type is 'rediss', which names no message bus "
				+ "Sluice has.");
		assertThat(analysis.getAction()).isEqualTo("Set sluice.bus.type to one of: memory "
				+ "(io.sluice:sluice-memory-starter), redis (io.sluice:sluice-redis-starter), kafka "
				+ "(io.sluice:sluice-kafka-starter).");
	}

	@Test
	void aMissingPortNamesItsChoiceAndTheStarterThatProvidesIt() {
		FailureAnalysis analysis = new MissingConnectorFailureAnalyzer(
				new MockEnvironment().withProperty("sluice.storage.type", "mongodb"))
			.analyze(new NoSuchBeanDefinitionException(RecordStore.class));

		assertThat(analysis.getDescription()).contains("needs a record store (io.sluice.connector.RecordStore)")
			.contains("sluice.storage.type=mongodb chose it, but no RecordStore bean was defined");
		assertThat(analysis.getAction())
			.startsWith("Put io.sluice:sluice-mongodb-starter, which provides mongodb, on the class path")
			.contains("memory (io.sluice:sluice-memory-starter), sql (io.sluice:sluice-sql-starter), "
					+ "mongodb (io.sluice:sluice-mongodb-starter)");
	}

	@Test
	void aPortThatNoneWasChosenForSaysSo() {
		FailureAnalysis analysis = new MissingConnectorFailureAnalyzer(new MockEnvironment())
			.analyze(new NoSuchBeanDefinitionException(StorageQueue.class));

		assertThat(analysis.getDescription()).endsWith("sluice.queue.type=none (not set) chose none.");
		assertThat(analysis.getAction()).startsWith("Choose one with sluice.queue.type: none (no storage queue), ");
	}

	@Test
	void aMissingConnectionIsExplainedWithEveryChoosingPropertyAndTheMemoryAlternative() {
		ConnectionMissingException missing = new ConnectionMissingException("Redis",
				List.of("sluice.cache.type=redis", "sluice.bus.type=redis"), "no factory", "no factory exists.",
				"Add the library");

		FailureAnalysis analysis = new ConnectionMissingFailureAnalyzer().analyze(new IllegalStateException(missing));

		assertThat(missing).hasMessage("sluice.cache.type=redis and sluice.bus.type=redis chose the Redis connector, "
				+ "but no factory");
		assertThat(analysis.getDescription()).isEqualTo("sluice.cache.type=redis and sluice.bus.type=redis chose the "
				+ "Redis connector, but no factory exists.");
		assertThat(analysis.getAction()).isEqualTo("Add the library; or choose another connector with "
				+ "sluice.cache.type=memory and sluice.bus.type=memory.");
	}

	@Test
	void otherMissingBeansAreLeftToSpringBoot() {
		assertThat(new MissingConnectorFailureAnalyzer(new MockEnvironment())
			.analyze(new NoSuchBeanDefinitionException(String.class))).isNull();
	}

}
