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

	private static final ActionNames NAMES = ActionNames.of(ParserAction.class);

	private ParserAction() {
	}

	/** The action's name, or {@code null} if the schema has no such action. */
	public static String name(int action) {
		return NAMES.name(action);
	}

}
