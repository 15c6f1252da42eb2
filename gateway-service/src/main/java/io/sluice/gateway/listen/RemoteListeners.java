package io.sluice.gateway.listen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who listens on which pattern on the other nodes, as they announced it: a copy each node keeps so that the names it
 * decides for are offered to listeners anywhere. Not thread-safe: the registry guards it.
 */
final class RemoteListeners {

	private static final Logger logger = LoggerFactory.getLogger(RemoteListeners.class);

	private final Map<String, Map<Candidate, Pattern>> byNode = new HashMap<>();

	/** Adds a listener of {@code node}; {@code null} if it was known already or its pattern does not compile. */
	Candidate add(String node, String connectionId, String pattern) {
		Pattern regex;
		try {
			regex = ListenPatterns.compile(pattern);
		}
		catch (PatternSyntaxException ex) {
			// The node checked it before announcing it: a node of another version, or a damaged message.
			logger.warn("Ignoring listen pattern '{}' of gateway node {}: {}", pattern, node, ex.getDescription());
			return null;
		}
		Candidate candidate = Candidate.remote(node, connectionId, pattern);
		Map<Candidate, Pattern> listeners = this.byNode.computeIfAbsent(node, (key) -> new LinkedHashMap<>());
		return (listeners.putIfAbsent(candidate, regex) == null) ? candidate : null;
	}

	/** Removes a listener of {@code node}; {@code null} if it was not known. */
	Candidate remove(String node, String connectionId, String pattern) {
		Candidate candidate = Candidate.remote(node, connectionId, pattern);
		Map<Candidate, Pattern> listeners = this.byNode.get(node);
		if (listeners == null || listeners.remove(candidate) == null) {
			return null;
		}
		if (listeners.isEmpty()) {
			this.byNode.remove(node);
		}
		return candidate;
	}

	/** Forgets every listener of {@code node}. @return whether it had any */
	boolean removeNode(String node) {
		return this.byNode.remove(node) != null;
	}

	/** Every listener of {@code node}, in the order it announced them. */
	List<Candidate> of(String node) {
		Map<Candidate, Pattern> listeners = this.byNode.get(node);
		return (listeners != null) ? new ArrayList<>(listeners.keySet()) : List.of();
	}

	boolean contains(Candidate candidate) {
		Map<Candidate, Pattern> listeners = (candidate.node() != null) ? this.byNode.get(candidate.node()) : null;
		return listeners != null && listeners.containsKey(candidate);
	}

	Pattern regex(Candidate candidate) {
		Map<Candidate, Pattern> listeners = this.byNode.get(candidate.node());
		return (listeners != null) ? listeners.get(candidate) : null;
	}

	boolean isEmpty() {
		return this.byNode.isEmpty();
	}

	/** Adds every listener whose pattern matches {@code name} to {@code candidates}. */
	void addCandidates(String name, List<Candidate> candidates) {
		this.byNode.values().forEach((listeners) -> listeners.forEach((candidate, regex) -> {
			if (ListenPatterns.matches(regex, name)) {
				candidates.add(candidate);
			}
		}));
	}

	/** Whether any listener's pattern matches {@code name}. */
	boolean anyMatches(String name) {
		for (Map<Candidate, Pattern> listeners : this.byNode.values()) {
			for (Pattern regex : listeners.values()) {
				if (ListenPatterns.matches(regex, name)) {
					return true;
				}
			}
		}
		return false;
	}

}
