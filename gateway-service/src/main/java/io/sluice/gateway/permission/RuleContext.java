package io.sluice.gateway.permission;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a rule can see while it is evaluated, named as in deepstream's Valve: {@code user} (id, server data),
 * {@code data}, {@code oldData}, {@code now}, {@code action}, the {@code $variables} captured from the record,
 * event or RPC name, and {@code _(name)}, the data of another record.
 * <p>
 * Evaluation is synchronous: every record a rule reads with {@code _()} must be loaded by the caller
 * beforehand ({@link ValveRule#crossReferences()} lists the arguments to evaluate and fetch).
 */
public interface RuleContext {

	/** The authenticated user's id, or {@code null} for an anonymous connection. */
	String userId();

	/** The server data the authenticator returned for the user; {@code null} when there is none. */
	JsonNode userData();

	default boolean isAuthenticated() {
		return userId() != null;
	}

	/**
	 * {@code user}: {@code isAuthenticated}, {@code id} and {@code data}, as deepstream builds it for each rule
	 * application. A context that checks many messages of one user may build it once and return it each time: a rule
	 * cannot change it.
	 */
	default JsonNode user() {
		return user(userId(), userData());
	}

	/** {@code user} for a user id ({@code null}: not authenticated) and its server data. */
	static JsonNode user(String userId, JsonNode userData) {
		ObjectNode user = JsonNodeFactory.instance.objectNode();
		user.put("isAuthenticated", userId != null);
		user.put("id", userId);
		user.set("data", userData);
		return user;
	}

	/** The data being written or sent; {@code null} when the action carries none. */
	JsonNode data();

	/** The record's current data before a write; {@code null} when not loaded or not applicable. */
	JsonNode oldData();

	/** Milliseconds since the epoch, read once per evaluation. */
	long now();

	/** The action name, e.g. {@code "write"}. */
	String action();

	/** The path variables, keyed with their {@code $}, e.g. {@code $userId}. */
	Map<String, String> variables();

	/**
	 * The data of a preloaded record: a {@link tools.jackson.databind.node.NullNode} for a record that does
	 * not exist, Java {@code null} when the record was not preloaded (the rule then fails and denies).
	 */
	JsonNode crossRecord(String recordName);

}
