package io.sluice.record.write;

import java.time.Duration;

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
	void ttlRulesReachTheRecordServiceAndItsSweepRuns() {
		this.runner.withPropertyValues("sluice.records.ttl[session/.*]=30m", "sluice.records.expiry-interval=250ms")
			.run((context) -> {
				WriteThroughRecordService records = context.getBean(WriteThroughRecordService.class);
				assertThat(records.expiry().rule("session/alice")).isEqualTo(Duration.ofMinutes(30));
				assertThat(records.expiry().rule("users/alice")).isNull();
				assertThat(context).hasSingleBean(ExpirySweep.class);
				assertThat(context.getBean(ExpirySweep.class).isRunning()).isTrue();
			});
	}

	@Test
	void aBadTtlRuleFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("sluice.records.ttl[session/(]=30m")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("sluice.records.ttl[session/(] is not a valid regular expression"));
		// Spring's binding failure names it, which its failure analyzer explains at start-up.
		this.runner.withPropertyValues("sluice.records.ttl[session/.*]=soon")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Failed to bind properties under 'sluice.records.ttl"));
	}

	@Test
	void noSweepBesideAUserSuppliedRecordService() {
		this.runner.withBean(RecordService.class, () -> mock(RecordService.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ExpirySweep.class));
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
