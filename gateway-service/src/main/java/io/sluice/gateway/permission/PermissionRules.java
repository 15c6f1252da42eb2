package io.sluice.gateway.permission;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loaded permission file: for each section, its name patterns with their rules, and the choice of the rule that
 * applies to a name, as deepstream's Valve chooses it: among the patterns that match the whole name and have a rule
 * for the action, the longest pattern (as written) wins, and of equally long ones the last in the file. A name no
 * pattern matches is denied. Choices are cached by name, up to {@link #CACHE_SIZE} per action, since one client
 * usually acts on the same names again and again.
 */
public final class PermissionRules {

	/** Names whose choice of rule is remembered, per action; past that the cache starts over. */
	static final int CACHE_SIZE = 10_000;

	private static final Match NONE = new Match(null, null, Map.of());

	private final Map<PermissionAction.Section, List<Entry>> sections;

	@SuppressWarnings("unchecked")
	private final Map<String, Match>[] cache = new Map[PermissionAction.values().length];

	PermissionRules(Map<PermissionAction.Section, List<Entry>> sections) {
		this.sections = new EnumMap<>(sections);
		for (int i = 0; i < this.cache.length; i++) {
			this.cache[i] = new ConcurrentHashMap<>();
		}
	}

	/** One pattern of a section with its rules. */
	record Entry(String path, Pattern pattern, List<String> variables, Map<PermissionAction, ValveRule> rules) {
	}

	/**
	 * The rule that applies to an action on a name, with the {@code $variables} its pattern captured from the name.
	 * @param rule the rule, {@code null} when no pattern with a rule for the action matches (the action is denied)
	 * @param path the pattern as written in the file
	 */
	public record Match(ValveRule rule, String path, Map<String, String> variables) {
	}

	/** The rule for {@code action} on {@code name}; its {@link Match#rule()} is {@code null} when there is none. */
	public Match find(PermissionAction action, String name) {
		Map<String, Match> byName = this.cache[action.ordinal()];
		Match match = byName.get(name);
		if (match == null) {
			match = choose(action, name);
			if (byName.size() >= CACHE_SIZE) {
				byName.clear();
			}
			byName.put(name, match);
		}
		return match;
	}

	private Match choose(PermissionAction action, String name) {
		Entry chosen = null;
		Matcher chosenMatcher = null;
		for (Entry entry : this.sections.getOrDefault(action.section(), List.of())) {
			if (!entry.rules().containsKey(action)
					|| (chosen != null && entry.path().length() < chosen.path().length())) {
				continue;
			}
			Matcher matcher = entry.pattern().matcher(name);
			if (matcher.matches()) {
				chosen = entry;
				chosenMatcher = matcher;
			}
		}
		if (chosen == null) {
			return NONE;
		}
		Map<String, String> variables = new HashMap<>();
		for (int i = 0; i < chosen.variables().size(); i++) {
			variables.put(chosen.variables().get(i), chosenMatcher.group(i + 1));
		}
		return new Match(chosen.rules().get(action), chosen.path(), Map.copyOf(variables));
	}

}
