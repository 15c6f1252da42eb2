package io.sluice.connector.choice;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.UnknownConnectorException;

/** Explains a {@code sluice.<port>.type} that names no adapter: the values it takes, and which starter has each. */
final class UnknownConnectorFailureAnalyzer extends AbstractFailureAnalyzer<UnknownConnectorException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownConnectorException cause) {
		ConnectorChoice.Port port = cause.port();
		String description = port.property() + " is '" + cause.value() + "', which names no " + port.description()
				+ " Sluice has.";
		String action = "Set " + port.property() + " to one of: " + port.describeOptions() + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
