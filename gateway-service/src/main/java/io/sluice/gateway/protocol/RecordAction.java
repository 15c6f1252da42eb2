package io.sluice.gateway.protocol;

/**
 * The actions of the {@code RECORD} topic, as numbered by {@code @deepstream/protobuf} 1.0.9
 * ({@code RECORD_ACTION}).
 */
public final class RecordAction {

	public static final int UNKNOWN = 0;

	public static final int ERROR = 1;

	public static final int NOTIFY = 2;

	public static final int READ = 3;

	public static final int READ_RESPONSE = 4;

	public static final int HEAD = 5;

	public static final int HEAD_RESPONSE = 6;

	public static final int HEAD_BULK = 7;

	public static final int HEAD_RESPONSE_BULK = 8;

	public static final int DELETE = 9;

	public static final int DELETE_SUCCESS = 10;

	public static final int DELETE_BULK = 11;

	public static final int DELETE_BULK_SUCCESS = 12;

	public static final int DELETED = 13;

	public static final int WRITE_ACKNOWLEDGEMENT = 14;

	public static final int CREATE = 15;

	public static final int CREATEANDUPDATE = 16;

	public static final int CREATEANDPATCH = 17;

	public static final int UPDATE = 18;

	public static final int PATCH = 19;

	public static final int ERASE = 20;

	public static final int SUBSCRIBEANDHEAD = 21;

	public static final int SUBSCRIBEANDREAD = 22;

	public static final int SUBSCRIBECREATEANDREAD = 23;

	public static final int SUBSCRIBECREATEANDUPDATE = 24;

	public static final int SUBSCRIBE = 25;

	public static final int UNSUBSCRIBE = 26;

	public static final int LISTEN = 27;

	public static final int UNLISTEN = 28;

	public static final int LISTEN_ACCEPT = 29;

	public static final int LISTEN_REJECT = 30;

	public static final int SUBSCRIPTION_HAS_PROVIDER = 31;

	public static final int SUBSCRIPTION_HAS_NO_PROVIDER = 32;

	public static final int SUBSCRIPTION_FOR_PATTERN_FOUND = 33;

	public static final int SUBSCRIPTION_FOR_PATTERN_REMOVED = 34;

	public static final int CACHE_RETRIEVAL_TIMEOUT = 100;

	public static final int STORAGE_RETRIEVAL_TIMEOUT = 101;

	public static final int VERSION_EXISTS = 102;

	public static final int RECORD_LOAD_ERROR = 103;

	public static final int RECORD_CREATE_ERROR = 104;

	public static final int RECORD_UPDATE_ERROR = 105;

	public static final int RECORD_DELETE_ERROR = 106;

	public static final int RECORD_NOT_FOUND = 107;

	public static final int INVALID_VERSION = 108;

	public static final int INVALID_PATCH_ON_HOTPATH = 109;

	public static final int INVALID_LISTEN_REGEX = 110;

	public static final int LISTEN_RESPONSE_TIMEOUT = 111;

	public static final int LISTEN_UNSUCCESSFUL = 112;

	public static final int RECORD_NOTIFY_ERROR = 113;

	public static final int MESSAGE_PERMISSION_ERROR = 114;

	public static final int MESSAGE_DENIED = 115;

	public static final int INVALID_MESSAGE_DATA = 116;

	public static final int MULTIPLE_SUBSCRIPTIONS = 117;

	public static final int NOT_SUBSCRIBED = 118;

	private static final ActionNames NAMES = ActionNames.of(RecordAction.class);

	private RecordAction() {
	}

	/** The action's name, or {@code null} if the schema has no such action. */
	public static String name(int action) {
		return NAMES.name(action);
	}

}
