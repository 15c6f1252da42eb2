package io.sluice.record.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

import io.sluice.connector.UnusedAutoConfigurations;

/**
 * The record service as its own deployable: the record service over its connectors (by default Redis as cache
 * and bus, Kafka as the storage queue, PostgreSQL as the store), serving gateways over the internal records API,
 * with actuator health on the HTTP port. Its settings are {@code record-service.yml} and
 * {@code record-service-<profile>.yml}, named apart from {@code application.yml} so that a JVM that embeds this
 * module as a library never picks them up.
 */
@SpringBootApplication(excludeName = { UnusedAutoConfigurations.TRANSACTIONS,
		UnusedAutoConfigurations.R2DBC_TRANSACTIONS, UnusedAutoConfigurations.JACKSON_2_ENDPOINTS })
public class RecordServiceApplication {

	/** The name of this deployable's configuration files. */
	public static final String CONFIG_NAME = "record-service";

	public static void main(String[] args) {
		application().run(args);
	}

	/** The application, reading its own configuration files; tests start it through here too. */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(RecordServiceApplication.class)
			.properties("spring.config.name=" + CONFIG_NAME);
	}

}
