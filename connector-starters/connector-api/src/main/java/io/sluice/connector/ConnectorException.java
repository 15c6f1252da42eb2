package io.sluice.connector;

/**
 * A connector could not do what was asked: the server is unreachable, timed out or refused. Adapters translate
 * their technology's exceptions into this one, so no driver type leaks past the adapter.
 */
public class ConnectorException extends RuntimeException {

	private final String connector;

	public ConnectorException(String connector, String message, Throwable cause) {
		super(connector + ": " + message, cause);
		this.connector = connector;
	}

	public ConnectorException(String connector, String message) {
		this(connector, message, null);
	}

	/** The connector that failed, such as {@code sql} or {@code redis}. */
	public String connector() {
		return this.connector;
	}

}
