package io.sluice.gateway.protocol;

/**
 * The actions of the {@code EVENT} topic, as numbered by {@code @deepstream/protobuf} 1.0.9
 * ({@code EVENT_ACTION}).
 */
public final class EventAction {

	public static final int UNKNOWN = 0;

	public static final int ERROR = 1;

	public static final int EMIT = 2;

	public static final int SUBSCRIBE = 3;

	public static final int UNSUBSCRIBE = 4;

	public static final int LISTEN = 5;

	public static final int UNLISTEN = 6;

	public static final int LISTEN_ACCEPT = 7;

	public static final int LISTEN_REJECT = 8;

	public static final int SUBSCRIPTION_HAS_PROVIDER = 9;

	public static final int SUBSCRIPTION_HAS_NO_PROVIDER = 10;

	public static final int SUBSCRIPTION_FOR_PATTERN_FOUND = 11;

	public static final int SUBSCRIPTION_FOR_PATTERN_REMOVED = 12;

	public static final int INVALID_LISTEN_REGEX = 100;

	public static final int LISTEN_RESPONSE_TIMEOUT = 101;

	public static final int LISTEN_UNSUCCESSFUL = 102;

	public static final int MESSAGE_PERMISSION_ERROR = 103;

	public static final int MESSAGE_DENIED = 104;

	public static final int INVALID_MESSAGE_DATA = 105;

	public static final int MULTIPLE_SUBSCRIPTIONS = 106;

	public static final int NOT_SUBSCRIBED = 107;

	private static final String[] NAMES = new String[108];

	static {
		NAMES[UNKNOWN] = "UNKNOWN";
		NAMES[ERROR] = "ERROR";
		NAMES[EMIT] = "EMIT";
		NAMES[SUBSCRIBE] = "SUBSCRIBE";
		NAMES[UNSUBSCRIBE] = "UNSUBSCRIBE";
		NAMES[LISTEN] = "LISTEN";
		NAMES[UNLISTEN] = "UNLISTEN";
		NAMES[LISTEN_ACCEPT] = "LISTEN_ACCEPT";
		NAMES[LISTEN_REJECT] = "LISTEN_REJECT";
		NAMES[SUBSCRIPTION_HAS_PROVIDER] = "SUBSCRIPTION_HAS_PROVIDER";
		NAMES[SUBSCRIPTION_HAS_NO_PROVIDER] = "SUBSCRIPTION_HAS_NO_PROVIDER";
		NAMES[SUBSCRIPTION_FOR_PATTERN_FOUND] = "SUBSCRIPTION_FOR_PATTERN_FOUND";
		NAMES[SUBSCRIPTION_FOR_PATTERN_REMOVED] = "SUBSCRIPTION_FOR_PATTERN_REMOVED";
		NAMES[INVALID_LISTEN_REGEX] = "INVALID_LISTEN_REGEX";
		NAMES[LISTEN_RESPONSE_TIMEOUT] = "LISTEN_RESPONSE_TIMEOUT";
		NAMES[LISTEN_UNSUCCESSFUL] = "LISTEN_UNSUCCESSFUL";
		NAMES[MESSAGE_PERMISSION_ERROR] = "MESSAGE_PERMISSION_ERROR";
		NAMES[MESSAGE_DENIED] = "MESSAGE_DENIED";
		NAMES[INVALID_MESSAGE_DATA] = "INVALID_MESSAGE_DATA";
		NAMES[MULTIPLE_SUBSCRIPTIONS] = "MULTIPLE_SUBSCRIPTIONS";
		NAMES[NOT_SUBSCRIBED] = "NOT_SUBSCRIBED";
	}

	private EventAction() {
	}

	/** The action's name, or {@code null} if the schema has no such action. */
	public static String name(int action) {
		return (action >= 0 && action < NAMES.length) ? NAMES[action] : null;
	}

}
