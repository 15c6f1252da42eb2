package io.sluice.gateway.protocol;

/**
 * A frame that is not a valid deepstream message: truncated, a wrong wire type, an unknown topic or action. The
 * message says what was wrong, so that it can be logged and sent back to the client.
 */
public class ProtocolException extends RuntimeException {

	public ProtocolException(String message) {
		super(message);
	}

}
