package io.sluice.gateway.protocol;

/**
 * The actions of the {@code PRESENCE} topic, as numbered by {@code @deepstream/protobuf} 1.0.9
 * ({@code PRESENCE_ACTION}).
 */
public final class PresenceAction {

	public static final int UNKNOWN = 0;

	public static final int ERROR = 1;

	public static final int QUERY_ALL = 2;

	public static final int QUERY_ALL_RESPONSE = 3;

	public static final int QUERY = 4;

	public static final int QUERY_RESPONSE = 5;

	public static final int PRESENCE_JOIN = 6;

	public static final int PRESENCE_JOIN_ALL = 7;

	public static final int PRESENCE_LEAVE = 8;

	public static final int PRESENCE_LEAVE_ALL = 9;

	public static final int SUBSCRIBE = 10;

	public static final int UNSUBSCRIBE = 11;

	public static final int SUBSCRIBE_ALL = 12;

	public static final int UNSUBSCRIBE_ALL = 13;

	public static final int INVALID_PRESENCE_USERS = 100;

	public static final int MESSAGE_PERMISSION_ERROR = 101;

	public static final int MESSAGE_DENIED = 102;

	public static final int MULTIPLE_SUBSCRIPTIONS = 103;

	public static final int NOT_SUBSCRIBED = 104;

	private static final ActionNames NAMES = ActionNames.of(PresenceAction.class);

	private PresenceAction() {
	}

	/** The action's name, or {@code null} if the schema has no such action. */
	public static String name(int action) {
		return NAMES.name(action);
	}

}
