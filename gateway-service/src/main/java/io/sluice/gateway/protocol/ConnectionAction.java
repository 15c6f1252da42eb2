package io.sluice.gateway.protocol;

/**
 * The actions of the {@code CONNECTION} topic, as numbered by {@code @deepstream/protobuf} 1.0.9
 * ({@code CONNECTION_ACTION}).
 */
public final class ConnectionAction {

	public static final int UNKNOWN = 0;

	public static final int ERROR = 1;

	public static final int PING = 2;

	public static final int PONG = 3;

	public static final int ACCEPT = 4;

	public static final int CHALLENGE = 5;

	public static final int REJECT = 6;

	public static final int REDIRECT = 7;

	public static final int CLOSING = 8;

	public static final int CLOSED = 9;

	public static final int AUTHENTICATION_TIMEOUT = 100;

	public static final int INVALID_MESSAGE = 101;

	private static final ActionNames NAMES = ActionNames.of(ConnectionAction.class);

	private ConnectionAction() {
	}

	/** The action's name, or {@code null} if the schema has no such action. */
	public static String name(int action) {
		return NAMES.name(action);
	}

}
