package io.sluice.gateway.protocol;

/**
 * The actions of the {@code RPC} topic, as numbered by {@code @deepstream/protobuf} 1.0.9
 * ({@code RPC_ACTION}).
 */
public final class RpcAction {

	public static final int UNKNOWN = 0;

	public static final int ERROR = 1;

	public static final int REQUEST = 2;

	public static final int ACCEPT = 4;

	public static final int RESPONSE = 5;

	public static final int REJECT = 6;

	public static final int REQUEST_ERROR = 7;

	public static final int PROVIDE = 8;

	public static final int UNPROVIDE = 9;

	public static final int NO_RPC_PROVIDER = 100;

	public static final int ACCEPT_TIMEOUT = 101;

	public static final int MULTIPLE_ACCEPT = 102;

	public static final int INVALID_RPC_CORRELATION_ID = 103;

	public static final int RESPONSE_TIMEOUT = 104;

	public static final int MULTIPLE_RESPONSE = 105;

	public static final int MESSAGE_PERMISSION_ERROR = 106;

	public static final int MESSAGE_DENIED = 107;

	public static final int INVALID_MESSAGE_DATA = 108;

	public static final int MULTIPLE_PROVIDERS = 109;

	public static final int NOT_PROVIDED = 110;

	private static final ActionNames NAMES = ActionNames.of(RpcAction.class);

	private RpcAction() {
	}

	/** The action's name, or {@code null} if the schema has no such action. */
	public static String name(int action) {
		return NAMES.name(action);
	}

}
