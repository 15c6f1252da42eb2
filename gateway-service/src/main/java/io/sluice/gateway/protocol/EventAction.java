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

	private static final ActionNames NAMES = ActionNames.of(EventAction.class);

	private EventAction() {
	}

	/** The action's name, or {@code null} if the schema has no such action. */
	public static String name(int action) {
		return NAMES.name(action);
	}

}
