package io.sluice.record.write;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.sluice.connector.RecordCache;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;
import io.sluice.record.RecordService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class RecordServiceAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(MemoryConnectorAutoConfiguration.class, RecordServiceAutoConfiguration.class));

	@Test
	void theDefaultWritesStraightToTheStore() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RecordService.class);
			assertThat(context.getBean(RecordService.class)).extracting("durable")
				.isInstanceOf(StoreGroupCommit.class);
		});
	}

	@Test
	void aStorageQueueIsUsedWhenOneIsConfigured() {
		this.runner.withPropertyValues("sluice.queue.type=memory").run((context) -> assertThat(
				context.getBean(RecordService.class)).extracting("durable").isNotInstanceOf(StoreGroupCommit.class));
	}

	@Test
	void aUserSuppliedRecordServiceWins() {
		RecordService own = mock(RecordService.class);
		this.runner.withBean(RecordService.class, () -> own)
			.run((context) -> assertThat(context.getBean(RecordService.class)).isSameAs(own));
	}

	@Test
	void badSettingsFailStartUpNamingTheProperty() {
		this.runner.withPropertyValues("sluice.records.cas-attempts=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sluice.records.cas-attempts"));
	}

	@Test
	void aPortNoConnectorServesStopsStartUpNamingIt() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RecordServiceAutoConfiguration.class))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(NoSuchBeanDefinitionException.class)
				.hasMessageContaining(RecordCache.class.getName()));
	}

	@Test
	void aChosenQueueThatNoStarterProvidesStopsStartUpRatherThanWriteToTheStore() {
		// Only the memory starter is here: nothing provides kafka.
		this.runner.withPropertyValues("sluice.queue.type=kafka")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(NoSuchBeanDefinitionException.class)
				.hasMessageContaining("sluice.queue.type=kafka chose a storage queue, but none was defined"));
	}

	@Test
	void noQueueChosenExplicitlyWritesStraightToTheStore() {
		this.runner.withPropertyValues("sluice.queue.type=none")
			.run((context) -> assertThat(context.getBean(RecordService.class)).extracting("durable")
				.isInstanceOf(StoreGroupCommit.class));
	}

}
