package io.sluice.connector.choice;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.analyzer.AbstractInjectionFailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import io.sluice.connector.ConnectorChoice;

/**
 * Explains a port that something needs but no adapter serves (no {@code RecordStore} bean, say): which property
 * chooses the port's adapter, what it is set to, and which starter provides each value. Ordered before Spring
 * Boot's general analysis of a missing bean, which knows nothing of connectors.
 */
final class MissingConnectorFailureAnalyzer extends AbstractInjectionFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	private final Environment environment;

	/** @param environment the failed application's; {@code null} when it failed before it had one */
	MissingConnectorFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause,
			String injectionSite) {
		ConnectorChoice.Port port = ConnectorChoice.Port.of(cause.getResolvableType().resolve());
		if (port == null) {
			return null;
		}
		String value = (this.environment != null) ? this.environment.getProperty(port.property()) : null;
		ConnectorChoice.Option chosen = (value != null) ? port.option(value) : port.fallback();
		String chosenBy = port.property() + "=" + ((chosen != null) ? chosen.value() : value)
				+ ((value != null) ? "" : " (not set)");
		String neededBy = (injectionSite != null) ? injectionSite : "Something in this application";
		String description;
		String action;
		if (chosen != null && chosen.starter() == null) {
			description = neededBy + " needs a " + port.description() + " (" + port.type().getName() + "), but "
					+ chosenBy + " chose none.";
			action = "Choose one with " + port.property() + ": " + port.describeOptions() + ".";
		}
		else {
			description = neededBy + " needs a " + port.description() + " (" + port.type().getName()
					+ "), and none is there: " + chosenBy + " chose it, but no " + port.type().getSimpleName()
					+ " bean was defined.";
			action = ((chosen != null) ? "Put " + chosen.starter() + ", which provides " + chosen.value()
					+ ", on the class path (and do not exclude its auto-configuration), or choose" : "Choose")
					+ " another with " + port.property() + ": " + port.describeOptions() + ". An application's own "
					+ port.type().getSimpleName() + " bean is used whatever the choice.";
		}
		return new FailureAnalysis(description, action, cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
