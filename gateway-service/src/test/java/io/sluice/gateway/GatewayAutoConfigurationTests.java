package io.sluice.gateway;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

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
			assertThat(properties.outboundQueueLimit()).isEqualTo(4096);
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
	void withoutARecordServiceTheContextFailsToStart() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GatewayAutoConfiguration.class))
			.run((context) -> assertThat(context).hasFailed());
	}

}
