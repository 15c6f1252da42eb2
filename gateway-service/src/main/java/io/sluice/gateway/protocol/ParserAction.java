package io.sluice.gateway.protocol;

/**
 * The actions of the {@code PARSER} topic, as numbered by {@code @deepstream/protobuf} 1.0.9
 * ({@code PARSER_ACTION}).
 */
public final class ParserAction {

	public static final int UNKNOWN = 0;

	public static final int UNKNOWN_TOPIC = 1;

	public static final int UNKNOWN_ACTION = 2;

	public static final int INVALID_MESSAGE = 3;

	public static final int MESSAGE_PARSE_ERROR = 4;

	public static final int MAXIMUM_MESSAGE_SIZE_EXCEEDED = 5;

	public static final int ERROR = 6;

	public static final int INVALID_META_PARAMS = 7;

	private static final String[] NAMES = new String[8];

	static {
		NAMES[UNKNOWN] = "UNKNOWN";
		NAMES[UNKNOWN_TOPIC] = "UNKNOWN_TOPIC";
		NAMES[UNKNOWN_ACTION] = "UNKNOWN_ACTION";
		NAMES[INVALID_MESSAGE] = "INVALID_MESSAGE";
		NAMES[MESSAGE_PARSE_ERROR] = "MESSAGE_PARSE_ERROR";
		NAMES[MAXIMUM_MESSAGE_SIZE_EXCEEDED] = "MAXIMUM_MESSAGE_SIZE_EXCEEDED";
		NAMES[ERROR] = "ERROR";
		NAMES[INVALID_META_PARAMS] = "INVALID_META_PARAMS";
	}

	private ParserAction() {
	}

	/** The action's name, or {@code null} if the schema has no such action. */
	public static String name(int action) {
		return (action >= 0 && action < NAMES.length) ? NAMES[action] : null;
	}

}
