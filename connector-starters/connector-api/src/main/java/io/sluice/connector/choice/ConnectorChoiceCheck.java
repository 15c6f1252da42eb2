package io.sluice.connector.choice;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

import io.sluice.connector.ConnectorChoice;

/**
 * Checks the choice of connectors as soon as the configuration is read (every profile and config file included, so
 * it runs last), before any bean exists: a {@code sluice.<port>.type} that names no adapter is then the first and
 * only error of the start-up, explained by {@link UnknownConnectorFailureAnalyzer}.
 */
final class ConnectorChoiceCheck implements EnvironmentPostProcessor, Ordered {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		ConnectorChoice.check(environment);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
