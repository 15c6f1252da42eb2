package io.sluice.storage.app;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

import io.sluice.connector.UnusedAutoConfigurations;
import io.sluice.storage.StorageWorker;

/**
 * The storage worker on its own: drains the storage queue (Kafka) into the store (MongoDB or PostgreSQL), with
 * health, readiness and Prometheus metrics over HTTP. Its settings are read from {@code storage-worker.yml}
 * (and {@code storage-worker-<profile>.yml}) rather than {@code application.yml}, so that the library jar,
 * which sluice-server also puts on its class path, brings no {@code application*.yml} of its own. This package
 * is outside {@code io.sluice.server}, so sluice-server's component scan never finds this class.
 */
@SpringBootApplication(excludeName = { UnusedAutoConfigurations.TRANSACTIONS,
		UnusedAutoConfigurations.R2DBC_TRANSACTIONS, UnusedAutoConfigurations.JACKSON_2_ENDPOINTS })
public class StorageWorkerApplication {

	/** The name of the configuration files, unless {@code spring.config.name} says otherwise. */
	static final String CONFIG_NAME = "storage-worker";

	public static void main(String[] args) {
		application().run(args);
	}

	static SpringApplication application() {
		SpringApplication application = new SpringApplication(StorageWorkerApplication.class);
		application.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
		return application;
	}

	/** Refuses to run as a process that drains nothing: the queue or the store was not chosen. */
	@Bean
	static SmartInitializingSingleton storageWorkerRequired(ObjectProvider<StorageWorker> worker) {
		return () -> {
			if (worker.getIfAvailable() == null) {
				throw new IllegalStateException("The storage worker application has no storage worker: it needs a "
						+ "storage queue (sluice.queue.type=kafka, the kafka profile) and a store "
						+ "(sluice.storage.type=mongodb or sql: the mongodb or postgres profile), and "
						+ "sluice.worker.enabled not false");
			}
		};
	}

}
