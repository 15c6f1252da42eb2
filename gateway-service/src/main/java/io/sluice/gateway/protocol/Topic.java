package io.sluice.gateway.protocol;

/**
 * The topics of the deepstream protocol, as numbered by {@code @deepstream/protobuf} 1.0.9 ({@code TOPIC}).
 */
public final class Topic {

	public static final int UNKNOWN = 0;

	public static final int PARSER = 1;

	public static final int CONNECTION = 2;

	public static final int AUTH = 3;

	public static final int EVENT = 4;

	public static final int RECORD = 5;

	public static final int RPC = 6;

	public static final int PRESENCE = 7;

	public static final int MONITORING = 8;

	public static final int CLUSTER = 9;

	public static final int LOCK = 10;

	public static final int STATE_REGISTRY = 11;

	public static final int ERROR = 100;

	private Topic() {
	}

	/** The topic's name, or {@code null} if the schema has no such topic. */
	public static String name(int topic) {
		switch (topic) {
			case UNKNOWN: return "UNKNOWN";
			case PARSER: return "PARSER";
			case CONNECTION: return "CONNECTION";
			case AUTH: return "AUTH";
			case EVENT: return "EVENT";
			case RECORD: return "RECORD";
			case RPC: return "RPC";
			case PRESENCE: return "PRESENCE";
			case MONITORING: return "MONITORING";
			case CLUSTER: return "CLUSTER";
			case LOCK: return "LOCK";
			case STATE_REGISTRY: return "STATE_REGISTRY";
			case ERROR: return "ERROR";
			default: return null;
		}
	}

	/** The name of an action on a topic, or {@code null} if the schema has no such action. */
	public static String actionName(int topic, int action) {
		switch (topic) {
			case PARSER: return ParserAction.name(action);
			case CONNECTION: return ConnectionAction.name(action);
			case AUTH: return AuthAction.name(action);
			case EVENT: return EventAction.name(action);
			case RECORD: return RecordAction.name(action);
			case RPC: return RpcAction.name(action);
			case PRESENCE: return PresenceAction.name(action);
			case MONITORING: return (action == 0) ? "UNKNOWN" : null;
			default: return null;
		}
	}

	/** A readable {@code TOPIC ACTION} for logs and error texts. */
	public static String describe(int topic, int action) {
		String topicName = name(topic);
		String actionName = actionName(topic, action);
		return ((topicName != null) ? topicName : "topic " + topic) + " "
				+ ((actionName != null) ? actionName : "action " + action);
	}

}
