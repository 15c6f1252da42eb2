package io.sluice.record.remote;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;
import io.sluice.record.RecordService;
import io.sluice.record.api.RecordApiAutoConfiguration;
import io.sluice.record.api.RecordApiServer;
import io.sluice.record.write.RecordServiceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteRecordServiceAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemoryConnectorAutoConfiguration.class,
				RemoteRecordServiceAutoConfiguration.class, RecordServiceAutoConfiguration.class,
				RecordApiAutoConfiguration.class));

	@Test
	void recordsAreLocalByDefaultAndNotServed() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RecordService.class);
			assertThat(context.getBean(RecordService.class)).isNotInstanceOf(RemoteRecordService.class);
			assertThat(context).doesNotHaveBean(RecordApiServer.class);
		});
	}

	@Test
	void remoteModeCallsTheConfiguredInstances() {
		this.runner.withPropertyValues("sluice.records.mode=remote",
				"sluice.records.remote.instances=127.0.0.1:17071,127.0.0.1:17072")
			.run((context) -> {
				assertThat(context).hasSingleBean(RecordService.class);
				RemoteRecordService remote = context.getBean(RemoteRecordService.class);
				assertThat(remote.ownerOf("autoconfig/x")).isIn("127.0.0.1:17071", "127.0.0.1:17072");
			});
	}

	@Test
	void remoteModeWithoutInstancesFailsNamingTheSettings() {
		this.runner.withPropertyValues("sluice.records.mode=remote")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sluice.records.remote.instances")
				.hasMessageContaining("sluice.records.remote.dns-name"));
	}

	@Test
	void aMalformedInstanceFailsNamingIt() {
		this.runner.withPropertyValues("sluice.records.mode=remote", "sluice.records.remote.instances=records-0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("host:port, was 'records-0'"));
	}

	@Test
	void theApiServesLocalRecordsOnly() {
		this.runner.withPropertyValues("sluice.records.api.enabled=true", "sluice.records.api.port=0")
			.run((context) -> assertThat(context.getBean(RecordApiServer.class).port()).isPositive());
		this.runner
			.withPropertyValues("sluice.records.api.enabled=true", "sluice.records.mode=remote",
					"sluice.records.remote.instances=127.0.0.1:17071")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sluice.records.mode=remote"));
	}

}
