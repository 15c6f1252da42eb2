package io.sluice.gateway.protocol;

/**
 * The actions of the {@code AUTH} topic, as numbered by {@code @deepstream/protobuf} 1.0.9
 * ({@code AUTH_ACTION}).
 */
public final class AuthAction {

	public static final int UNKNOWN = 0;

	public static final int ERROR = 1;

	public static final int REQUEST = 2;

	public static final int AUTH_SUCCESSFUL = 3;

	public static final int AUTH_UNSUCCESSFUL = 4;

	public static final int TOO_MANY_AUTH_ATTEMPTS = 100;

	public static final int INVALID_MESSAGE = 101;

	public static final int INVALID_MESSAGE_DATA = 102;

	private static final ActionNames NAMES = ActionNames.of(AuthAction.class);

	private AuthAction() {
	}

	/** The action's name, or {@code null} if the schema has no such action. */
	public static String name(int action) {
		return NAMES.name(action);
	}

}
