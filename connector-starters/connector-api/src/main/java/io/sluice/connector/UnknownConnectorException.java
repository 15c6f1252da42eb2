package io.sluice.connector;

import java.util.stream.Collectors;

/**
 * A {@code sluice.<port>.type} names no adapter Sluice has, such as {@code sluice.queue.type=kafak}: start-up stops
 * rather than leave the port to whatever happens to match.
 */
public final class UnknownConnectorException extends IllegalStateException {

	private final ConnectorChoice.Port port;

	private final String value;

	UnknownConnectorException(ConnectorChoice.Port port, String value) {
		super(port.property() + " is '" + value + "', which names no " + port.description() + ": it takes "
				+ port.options().stream().map(ConnectorChoice.Option::value).collect(Collectors.joining(", ")));
		this.port = port;
		this.value = value;
	}

	/** The port whose property was set wrong. */
	public ConnectorChoice.Port port() {
		return this.port;
	}

	/** The value that names no adapter. */
	public String value() {
		return this.value;
	}

}
