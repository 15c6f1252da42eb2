package io.sluice.gateway.http.deepstream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.http.Outcome;
import io.sluice.gateway.protocol.PresenceAction;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

/**
 * The result of each command, in exactly the shape deepstream's endpoint gives it: {@code {success: true, ...}}
 * with what was asked for, or {@code {success: false, error, errorTopic, errorEvent, ...}}, where
 * {@code errorEvent} is the number of deepstream's action for the error on that topic and the rest depends on the
 * error, as deepstream's JIF handler has it (a denial names the action denied, a stale write carries the current
 * version and data, an error it has no sentence for is "An error occurred: " and the name of the RPC action with
 * that number).
 */
final class JifResults {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private JifResults() {
	}

	static ObjectNode success() {
		return NODES.objectNode().put("success", true);
	}

	/** A record read: {@code {version, data, success}}. */
	static ObjectNode record(VersionedRecord record) {
		ObjectNode result = NODES.objectNode().put("version", record.version());
		result.set("data", json(record.data()));
		return result.put("success", true);
	}

	/** A record head: {@code {version, success}}. */
	static ObjectNode version(long version) {
		return NODES.objectNode().put("version", version).put("success", true);
	}

	/** An RPC's answer: {@code {data, success}}, without {@code data} when the provider sent none. */
	static ObjectNode answer(byte[] data) {
		ObjectNode result = NODES.objectNode();
		if (data != null) {
			result.set("data", json(data));
		}
		return result.put("success", true);
	}

	/** Who is online: {@code {users, success}}, a list of names or a map of each name to whether it is online. */
	static ObjectNode users(Object users) {
		ObjectNode result = NODES.objectNode();
		if (users instanceof List<?> names) {
			ArrayNode list = result.putArray("users");
			names.forEach((name) -> list.add(String.valueOf(name)));
		}
		else if (users instanceof Map<?, ?> online) {
			ObjectNode map = result.putObject("users");
			online.forEach((name, isOnline) -> map.put(String.valueOf(name), Boolean.TRUE.equals(isOnline)));
		}
		return result.put("success", true);
	}

	/** An event the rules do not let the caller emit: deepstream's endpoint says so in its own words. */
	static ObjectNode emitDenied() {
		return NODES.objectNode()
			.put("success", false)
			.put("error", "Message denied. Action 'emit' is not permitted.")
			.put("errorEvent", "MESSAGE_DENIED")
			.put("errorAction", "emit")
			.put("errorTopic", "event");
	}

	/**
	 * A failed record, RPC or presence command.
	 * @param topic the protocol topic of the command ({@link Topic#RECORD}, {@link Topic#RPC} or
	 *     {@link Topic#PRESENCE})
	 * @param action the protocol action the command stands for, named when the rules deny it
	 * @param name the record or procedure, or {@code null}
	 * @param currentVersion the record's version, for {@link Outcome.Kind#INVALID_VERSION}
	 * @param sent the data the command sent, which deepstream reports as the current data of an invalid version
	 */
	static ObjectNode failure(int topic, int action, String name, Outcome.Failed failed, long currentVersion,
			JsonNode sent) {
		int event = event(topic, failed.kind());
		ObjectNode result = NODES.objectNode().put("errorTopic", Topic.name(topic).toLowerCase());
		if (failed.kind() == Outcome.Kind.REQUEST_ERROR) {
			// the provider's error as it sent it, and no errorEvent: deepstream reads it as an answer
			result.set("error", json(failed.message().getBytes(StandardCharsets.UTF_8), true));
			return result.put("success", false);
		}
		result.put("errorEvent", event).put("success", false);
		switch (failed.kind()) {
			case MESSAGE_DENIED -> result.put("action", action)
				.put("error", "Message denied. Action \"" + Topic.actionName(topic, action) + "\" is not permitted.");
			case VERSION_EXISTS -> {
				VersionedRecord current = failed.current();
				long version = (current != null) ? current.version() : currentVersion;
				result.put("error", "Record update failed. Version " + version + " exists for record \"" + name + "\".")
					.put("currentVersion", version);
				result.set("currentData", (current != null) ? json(current.data()) : NODES.nullNode());
			}
			case INVALID_VERSION -> {
				result.put("error", "Record update failed. Version " + currentVersion + " is not valid for record \""
						+ name + "\".")
					.put("currentVersion", currentVersion);
				if (sent != null) {
					result.set("currentData", sent);
				}
			}
			case RECORD_NOT_FOUND -> result.put("error", "Record read failed. Record \"" + name + "\" could not be found.");
			case NO_RPC_PROVIDER -> result.put("error", "No provider was available to handle the RPC \"" + name + "\".");
			case RESPONSE_TIMEOUT -> result.put("error", "The RPC response timeout was exceeded by the provider.");
			default -> {
				result.put("error", "An error occurred: " + rpcActionName(event) + ".");
				if (name != null) {
					result.put("errorParams", name);
				}
			}
		}
		return result;
	}

	/** {@code record notify}, which Sluice takes over WebSocket only: refused, saying so. */
	static ObjectNode notifyUnsupported() {
		return NODES.objectNode()
			.put("errorTopic", "record")
			.put("errorEvent", RecordAction.RECORD_NOTIFY_ERROR)
			.put("success", false)
			.put("error", "Record notify is not supported over HTTP: send it over a WebSocket connection.");
	}

	/** A command the request's timeout left unfinished. */
	static ObjectNode timedOut() {
		return NODES.objectNode()
			.put("success", false)
			.put("error", "Request exceeded timeout before a response was received.")
			.put("errorTopic", "connection")
			.put("errorEvent", "HTTP_REQUEST_TIMEOUT");
	}

	/**
	 * A request refused because the gateway has as many in progress as it takes ({@code sluice.http.max-in-flight}):
	 * nothing of it ran. deepstream has no such answer; this one is worded as its failed commands are, with the
	 * request's {@code result} beside.
	 */
	static ObjectNode tooManyRequests(String reason) {
		return NODES.objectNode()
			.put("result", "FAILURE")
			.put("success", false)
			.put("error", reason + ".")
			.put("errorTopic", "connection")
			.put("errorEvent", "HTTP_TOO_MANY_REQUESTS");
	}

	/** The number of deepstream's action for a failure on a topic. */
	static int event(int topic, Outcome.Kind kind) {
		return switch (topic) {
			case Topic.RECORD -> switch (kind) {
				case MESSAGE_DENIED -> RecordAction.MESSAGE_DENIED;
				case MESSAGE_PERMISSION_ERROR -> RecordAction.MESSAGE_PERMISSION_ERROR;
				case RECORD_NOT_FOUND -> RecordAction.RECORD_NOT_FOUND;
				case VERSION_EXISTS -> RecordAction.VERSION_EXISTS;
				case INVALID_VERSION -> RecordAction.INVALID_VERSION;
				case RECORD_LOAD_ERROR -> RecordAction.RECORD_LOAD_ERROR;
				case RECORD_UPDATE_ERROR -> RecordAction.RECORD_UPDATE_ERROR;
				default -> RecordAction.INVALID_MESSAGE_DATA;
			};
			case Topic.RPC -> switch (kind) {
				case MESSAGE_DENIED -> RpcAction.MESSAGE_DENIED;
				case MESSAGE_PERMISSION_ERROR -> RpcAction.MESSAGE_PERMISSION_ERROR;
				case NO_RPC_PROVIDER -> RpcAction.NO_RPC_PROVIDER;
				case ACCEPT_TIMEOUT -> RpcAction.ACCEPT_TIMEOUT;
				case RESPONSE_TIMEOUT -> RpcAction.RESPONSE_TIMEOUT;
				case REQUEST_ERROR -> RpcAction.REQUEST_ERROR;
				default -> RpcAction.INVALID_MESSAGE_DATA;
			};
			default -> switch (kind) {
				case MESSAGE_DENIED -> PresenceAction.MESSAGE_DENIED;
				case MESSAGE_PERMISSION_ERROR -> PresenceAction.MESSAGE_PERMISSION_ERROR;
				default -> PresenceAction.INVALID_PRESENCE_USERS;
			};
		};
	}

	/**
	 * deepstream names an error it has no sentence for by the RPC action of that number, whatever the topic (so a
	 * record's load error reads INVALID_RPC_CORRELATION_ID): kept, as callers may match on it.
	 */
	private static String rpcActionName(int event) {
		String name = RpcAction.name(event);
		return (name != null) ? name : "undefined";
	}

	static JsonNode json(byte[] data) {
		return json(data, false);
	}

	/** JSON as a tree; when {@code lenient}, text that is not JSON becomes a string. */
	private static JsonNode json(byte[] data, boolean lenient) {
		if (data == null) {
			return NODES.nullNode();
		}
		try {
			return JSON.readTree(data);
		}
		catch (RuntimeException ex) {
			if (!lenient) {
				throw ex;
			}
			return NODES.stringNode(new String(data, StandardCharsets.UTF_8));
		}
	}

}
