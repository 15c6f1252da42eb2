package io.sluice.gateway.history;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What a reader asks of an event name's history: the last {@code N} events, those from an offset (up to another), or
 * those since a time. The same four shapes come as the JSON of the {@code sluice/history} RPC and as the query
 * parameters of {@code GET /api/v1/events/{name}/history}; a shape that is none of them is refused with a
 * {@link HistoryException} saying what is wrong.
 */
public sealed interface HistoryQuery {

	/** The event name whose history is read. */
	String name();

	/** The last {@code count} events. */
	record Last(String name, long count) implements HistoryQuery {
	}

	/** The events from offset {@code from}, up to offset {@code to} when it is not {@code null}, both inclusive. */
	record From(String name, long from, Long to) implements HistoryQuery {
	}

	/** The events appended at or after {@code time}. */
	record Since(String name, Instant time) implements HistoryQuery {
	}

	/** The keys a query may have. */
	Set<String> KEYS = Set.of("name", "last", "from", "to", "since");

	/** A query as the RPC's data: {@code {"name": "chat/room", "last": 10}} and the like. */
	static HistoryQuery fromJson(JsonNode json) {
		if (json == null || !json.isObject()) {
			throw HistoryException.invalid("A history query is a JSON object such as {\"name\":\"chat/room\",\"last\":10}");
		}
		for (String key : json.propertyNames()) {
			if (!KEYS.contains(key)) {
				throw HistoryException.invalid("A history query has no '" + key + "': it takes name and one of last, "
						+ "from (with to, if wanted) or since");
			}
		}
		JsonNode name = json.get("name");
		if (name == null || !name.isString() || name.asString().isEmpty()) {
			throw HistoryException.invalid("A history query needs the event's name, as a string");
		}
		return of(name.asString(), number(json, "last"), number(json, "from"), number(json, "to"), since(json));
	}

	/** A query as query parameters, each a single value. */
	static HistoryQuery fromParameters(String name, Map<String, String> parameters) {
		for (String key : parameters.keySet()) {
			if (!KEYS.contains(key) || key.equals("name")) {
				throw HistoryException.invalid("A history query has no parameter '" + key
						+ "': it takes one of last, from (with to, if wanted) or since");
			}
		}
		return of(name, number("last", parameters.get("last")), number("from", parameters.get("from")),
				number("to", parameters.get("to")), time(parameters.get("since")));
	}

	private static HistoryQuery of(String name, Long last, Long from, Long to, Instant since) {
		int shapes = ((last != null) ? 1 : 0) + ((from != null) ? 1 : 0) + ((since != null) ? 1 : 0);
		if (shapes != 1) {
			throw HistoryException.invalid("A history query takes exactly one of last, from or since, had " + shapes);
		}
		if (to != null && from == null) {
			throw HistoryException.invalid("A history query's 'to' goes with a 'from'");
		}
		if (last != null) {
			if (last < 1) {
				throw HistoryException.invalid("A history query's 'last' must be at least 1, was " + last);
			}
			return new Last(name, last);
		}
		if (from != null) {
			if (from < 0) {
				throw HistoryException.invalid("A history query's 'from' must not be negative, was " + from);
			}
			if (to != null && to < from) {
				throw HistoryException.invalid("A history query's 'to' (" + to + ") is before its 'from' (" + from + ")");
			}
			return new From(name, from, to);
		}
		return new Since(name, since);
	}

	private static Long number(JsonNode json, String key) {
		JsonNode value = json.get(key);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong()) {
			throw HistoryException.invalid("A history query's '" + key + "' must be a whole number, was " + value);
		}
		return value.asLong();
	}

	private static Long number(String key, String value) {
		if (value == null) {
			return null;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw HistoryException.invalid("A history query's '" + key + "' must be a whole number, was '" + value + "'");
		}
	}

	private static Instant since(JsonNode json) {
		JsonNode value = json.get("since");
		if (value == null || value.isNull()) {
			return null;
		}
		if (value.isIntegralNumber() && value.canConvertToLong()) {
			return Instant.ofEpochMilli(value.asLong());
		}
		if (value.isString()) {
			return time(value.asString());
		}
		throw HistoryException.invalid("A history query's 'since' is a time: milliseconds since 1970 or an ISO-8601 "
				+ "instant such as 2026-01-31T12:00:00Z, was " + value);
	}

	/** Milliseconds since 1970, or an ISO-8601 instant. */
	private static Instant time(String value) {
		if (value == null) {
			return null;
		}
		try {
			return value.chars().allMatch(Character::isDigit) && !value.isEmpty()
					? Instant.ofEpochMilli(Long.parseLong(value)) : Instant.parse(value);
		}
		catch (DateTimeParseException | NumberFormatException ex) {
			throw HistoryException.invalid("A history query's 'since' is a time: milliseconds since 1970 or an "
					+ "ISO-8601 instant such as 2026-01-31T12:00:00Z, was '" + value + "'");
		}
	}

	/** {@link #fromJson} of a message's data. */
	static HistoryQuery fromJson(byte[] data) {
		if (data == null) {
			return fromJson((JsonNode) null);
		}
		try {
			return fromJson(HistoryJson.JSON.readTree(data));
		}
		catch (JacksonException ex) {
			throw HistoryException.invalid("A history query is a JSON object, this is not JSON: "
					+ ex.getOriginalMessage());
		}
	}

}
