package io.sluice.gateway.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

import io.sluice.connector.UnusedAutoConfigurations;

/**
 * The gateway as its own deployable: WebSocket clients on the HTTP port, records from record-service instances
 * over the internal records API ({@code sluice.records.mode=remote}), changes, events, RPC and presence over the
 * message bus. Its settings are {@code gateway.yml} and {@code gateway-<profile>.yml}, named apart from
 * {@code application.yml} so that a JVM that embeds this module as a library never picks them up.
 */
@SpringBootApplication(excludeName = { UnusedAutoConfigurations.TRANSACTIONS,
		UnusedAutoConfigurations.JACKSON_2_ENDPOINTS })
public class GatewayApplication {

	/** The name of this deployable's configuration files. */
	public static final String CONFIG_NAME = "gateway";

	public static void main(String[] args) {
		NettyDefaults.apply();
		application().run(args);
	}

	/** The application, reading its own configuration files; tests start it through here too. */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(GatewayApplication.class).properties("spring.config.name=" + CONFIG_NAME);
	}

}
