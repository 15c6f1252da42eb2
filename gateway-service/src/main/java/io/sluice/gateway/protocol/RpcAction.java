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

	private static final String[] NAMES = new String[111];

	static {
		NAMES[UNKNOWN] = "UNKNOWN";
		NAMES[ERROR] = "ERROR";
		NAMES[REQUEST] = "REQUEST";
		NAMES[ACCEPT] = "ACCEPT";
		NAMES[RESPONSE] = "RESPONSE";
		NAMES[REJECT] = "REJECT";
		NAMES[REQUEST_ERROR] = "REQUEST_ERROR";
		NAMES[PROVIDE] = "PROVIDE";
		NAMES[UNPROVIDE] = "UNPROVIDE";
		NAMES[NO_RPC_PROVIDER] = "NO_RPC_PROVIDER";
		NAMES[ACCEPT_TIMEOUT] = "ACCEPT_TIMEOUT";
		NAMES[MULTIPLE_ACCEPT] = "MULTIPLE_ACCEPT";
		NAMES[INVALID_RPC_CORRELATION_ID] = "INVALID_RPC_CORRELATION_ID";
		NAMES[RESPONSE_TIMEOUT] = "RESPONSE_TIMEOUT";
		NAMES[MULTIPLE_RESPONSE] = "MULTIPLE_RESPONSE";
		NAMES[MESSAGE_PERMISSION_ERROR] = "MESSAGE_PERMISSION_ERROR";
		NAMES[MESSAGE_DENIED] = "MESSAGE_DENIED";
		NAMES[INVALID_MESSAGE_DATA] = "INVALID_MESSAGE_DATA";
		NAMES[MULTIPLE_PROVIDERS] = "MULTIPLE_PROVIDERS";
		NAMES[NOT_PROVIDED] = "NOT_PROVIDED";
	}

	private RpcAction() {
	}

	/** The action's name, or {@code null} if the schema has no such action. */
	public static String name(int action) {
		return (action >= 0 && action < NAMES.length) ? NAMES[action] : null;
	}

}
