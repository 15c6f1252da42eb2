package io.sluice.gateway.protocol;

/**
 * A frame that is not a valid deepstream message: truncated, a wrong wire type, an unknown topic or action. The
 * message says what was wrong, so that it can be logged and sent back to the client.
 */
public class ProtocolException extends RuntimeException {

	private final int parserAction;

	public ProtocolException(String message) {
		this(ParserAction.MESSAGE_PARSE_ERROR, message);
	}

	/** @param parserAction the {@link ParserAction} the client is answered with */
	public ProtocolException(int parserAction, String message) {
		super(message, null, false, false);
		this.parserAction = parserAction;
	}

	/** The {@link ParserAction} that names the problem to the client. */
	public int parserAction() {
		return this.parserAction;
	}

}
