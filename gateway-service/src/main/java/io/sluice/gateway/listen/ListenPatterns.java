package io.sluice.gateway.listen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.gateway.metrics.GatewayCounters;
import io.sluice.gateway.session.Connection;

/**
 * Who listens on which pattern, on this node. Not thread-safe: the registry guards it. A pattern matches a name when
 * it is found anywhere in it, as JavaScript's {@code RegExp.test} does for deepstream.
 */
final class ListenPatterns {

	/** Longer patterns are refused: they are a cheap way to make every subscription expensive. */
	static final int MAX_PATTERN_LENGTH = 512;

	/**
	 * How many characters one match may look at before it is abandoned as a non-match. A pattern that backtracks
	 * catastrophically ({@code (a+)+$}) is short and valid, so only a budget stops it; honest patterns over names of
	 * honest length stay far below it.
	 */
	private static final int MATCH_BUDGET = 200_000;

	private static final Logger logger = LoggerFactory.getLogger(ListenPatterns.class);

	private final Map<String, Listeners> byPattern = new LinkedHashMap<>();

	private final Map<Connection, Set<String>> byConnection = new HashMap<>();

	/**
	 * Compiles a pattern a client sent.
	 * @throws PatternSyntaxException when it is not a regular expression, is empty or is too long
	 */
	static Pattern compile(String pattern) {
		if (pattern == null || pattern.isEmpty()) {
			throw new PatternSyntaxException("A listen pattern must not be empty", String.valueOf(pattern), -1);
		}
		if (pattern.length() > MAX_PATTERN_LENGTH) {
			throw new PatternSyntaxException("A listen pattern may have at most " + MAX_PATTERN_LENGTH + " characters",
					pattern.substring(0, 32) + "...", -1);
		}
		return Pattern.compile(pattern);
	}

	/** Whether {@code regex} is found in {@code name}; {@code false} when finding out costs too much. */
	static boolean matches(Pattern regex, String name) {
		try {
			boolean matched = regex.matcher(new BoundedText(name, new int[] { MATCH_BUDGET })).find();
			if (matched) {
				GatewayCounters.listenMatched();
			}
			return matched;
		}
		catch (BoundedText.TooCostly ex) {
			logger.warn("Listen pattern '{}' took too long to match a name of {} characters; taken as no match", regex,
					name.length());
			return false;
		}
	}

	/** Each pattern with how many connections listen on it, sorted by pattern. */
	Map<String, Integer> listenerCounts() {
		Map<String, Integer> counts = new TreeMap<>();
		this.byPattern.forEach((pattern, listeners) -> counts.put(pattern, listeners.connections.size()));
		return counts;
	}

	/** Adds a listener; {@code false} if it already listened on that pattern. */
	boolean add(Connection connection, String pattern, Pattern regex) {
		Listeners listeners = this.byPattern.computeIfAbsent(pattern, (key) -> new Listeners(regex));
		if (!listeners.connections.add(connection)) {
			return false;
		}
		this.byConnection.computeIfAbsent(connection, (key) -> new LinkedHashSet<>()).add(pattern);
		return true;
	}

	/** Removes a listener; {@code false} if it did not listen on that pattern. */
	boolean remove(Connection connection, String pattern) {
		Listeners listeners = this.byPattern.get(pattern);
		if (listeners == null || !listeners.connections.remove(connection)) {
			return false;
		}
		if (listeners.connections.isEmpty()) {
			this.byPattern.remove(pattern);
		}
		Set<String> patterns = this.byConnection.get(connection);
		patterns.remove(pattern);
		if (patterns.isEmpty()) {
			this.byConnection.remove(connection);
		}
		return true;
	}

	/** Removes every pattern of a connection. @return the patterns it listened on */
	Set<String> removeAll(Connection connection) {
		Set<String> patterns = this.byConnection.get(connection);
		if (patterns == null) {
			return Collections.emptySet();
		}
		Set<String> removed = new LinkedHashSet<>(patterns);
		removed.forEach((pattern) -> remove(connection, pattern));
		return removed;
	}

	boolean isListening(Candidate candidate) {
		Listeners listeners = this.byPattern.get(candidate.pattern());
		return listeners != null && listeners.connections.contains(candidate.connection());
	}

	boolean isEmpty() {
		return this.byPattern.isEmpty();
	}

	/** The listening connection of id {@code id}, or {@code null}. */
	Connection connection(String id) {
		for (Connection connection : this.byConnection.keySet()) {
			if (connection.id().equals(id)) {
				return connection;
			}
		}
		return null;
	}

	/** Every listener registration, in the order of the patterns. */
	List<Candidate> all() {
		List<Candidate> all = new ArrayList<>();
		this.byPattern.forEach((pattern, listeners) -> listeners.connections
			.forEach((connection) -> all.add(new Candidate(connection, pattern))));
		return all;
	}

	/** Whether any listener's pattern matches {@code name}. */
	boolean anyMatches(String name) {
		for (Listeners listeners : this.byPattern.values()) {
			if (matches(listeners.regex, name)) {
				return true;
			}
		}
		return false;
	}

	/** Every listener whose pattern matches {@code name}, in the order they started listening, pattern by pattern. */
	List<Candidate> candidates(String name) {
		List<Candidate> candidates = new ArrayList<>();
		this.byPattern.forEach((pattern, listeners) -> {
			if (matches(listeners.regex, name)) {
				listeners.connections.forEach((connection) -> candidates.add(new Candidate(connection, pattern)));
			}
		});
		return candidates;
	}

	private static final class Listeners {

		private final Pattern regex;

		private final Set<Connection> connections = new LinkedHashSet<>();

		Listeners(Pattern regex) {
			this.regex = regex;
		}

	}

	/** A name that counts the characters a match reads and gives up beyond its budget. */
	private static final class BoundedText implements CharSequence {

		private final String text;

		private final int[] budget;

		BoundedText(String text, int[] budget) {
			this.text = text;
			this.budget = budget;
		}

		@Override
		public char charAt(int index) {
			if (--this.budget[0] < 0) {
				throw new TooCostly();
			}
			return this.text.charAt(index);
		}

		@Override
		public int length() {
			return this.text.length();
		}

		@Override
		public CharSequence subSequence(int start, int end) {
			return new BoundedText(this.text.substring(start, end), this.budget);
		}

		@Override
		public String toString() {
			return this.text;
		}

		/** Thrown often enough under attack that a stack trace would cost more than the match it stops. */
		static final class TooCostly extends RuntimeException {

			TooCostly() {
				super(null, null, false, false);
			}

		}

	}

}
