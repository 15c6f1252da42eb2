package io.sluice.gateway;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;
import io.sluice.gateway.session.GatewayProperties;
import io.sluice.gateway.session.GatewayRoute;
import io.sluice.record.RecordServiceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(MemoryConnectorAutoConfiguration.class, RecordServiceAutoConfiguration.class,
					GatewayAutoConfiguration.class));

	@Test
	void servesTheEndpointAtTheDefaultPath() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(GatewayRoute.class);
			GatewayProperties properties = context.getBean(GatewayProperties.class);
			assertThat(properties.path()).isEqualTo("/deepstream");
			assertThat(properties.outboundBudget()).isEqualTo(DataSize.ofMegabytes(1));
			assertThat(properties.outboundLimit()).isEqualTo(DataSize.ofMegabytes(16));
			assertThat(properties.stallTimeout()).isEqualTo(Duration.ofSeconds(10));
		});
	}

	@Test
	void badPathStopsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("sluice.gateway.path=deepstream").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("sluice.gateway.path");
		});
	}

	@Test
	void anOutboundLimitBelowTheBudgetStopsStartUpNamingBoth() {
		this.runner.withPropertyValues("sluice.gateway.outbound-budget=4MB", "sluice.gateway.outbound-limit=1MB")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("sluice.gateway.outbound-limit must be at least sluice.gateway.outbound-budget");
			});
	}

	@Test
	void withoutARecordServiceTheContextFailsToStart() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GatewayAutoConfiguration.class))
			.run((context) -> assertThat(context).hasFailed());
	}

}
