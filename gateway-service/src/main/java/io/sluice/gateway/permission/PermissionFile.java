package io.sluice.gateway.permission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a permission file in deepstream's format (the {@code permissions.yml} or {@code .json} of its
 * {@code permission.type: config}) and compiles it, refusing anything deepstream's validator refuses, and a rule
 * outside the expression language, with the section, the pattern, the rule type and the position named.
 *
 * <pre>
 * record:
 *   "*":
 *     create: true
 *     write: true
 *     read: true
 *     delete: true
 *     listen: true
 *     notify: true
 *   "users/$userId":
 *     write: "user.id === $userId"
 * event: { "*": { publish: true, subscribe: true, listen: true } }
 * rpc: { "*": { provide: true, request: true } }
 * presence: { "*": { allow: true } }
 * </pre>
 *
 * Every section must be there, with a {@code "*"} pattern; a pattern is a name in which {@code *} matches anything
 * and {@code $name} one segment between slashes (captured for the rules as {@code $name}); everything else matches
 * itself.
 */
public final class PermissionFile {

	private static final Pattern VARIABLE = Pattern.compile("\\$[a-zA-Z0-9]+");

	private static final Pattern INVALID_VARIABLE = Pattern.compile("\\$[^a-zA-Z0-9]|\\$$");

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	private static final ObjectMapper YAML = YAMLMapper.builder().build();

	private PermissionFile() {
	}

	/**
	 * Reads and compiles the file: YAML unless its name ends in {@code .json}.
	 * @throws InvalidPermissionsException naming the file and what is wrong with it
	 */
	public static PermissionRules load(Path file) {
		String text;
		try {
			text = Files.readString(file);
		}
		catch (IOException ex) {
			throw new InvalidPermissionsException("Cannot read permission file " + file + ": " + ex.getMessage(), ex);
		}
		boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
		try {
			return parse(text, json);
		}
		catch (InvalidPermissionsException ex) {
			// The message says it all; the cause would only repeat it without the file's name.
			throw new InvalidPermissionsException("Permission file " + file + ": " + ex.getMessage());
		}
	}

	/**
	 * Compiles the text of a permission file, JSON or YAML.
	 * @throws InvalidPermissionsException naming what is wrong with it
	 */
	public static PermissionRules parse(String text, boolean json) {
		JsonNode root;
		try {
			root = (json ? JSON : YAML).readTree(text);
		}
		catch (JacksonException ex) {
			throw new InvalidPermissionsException("not valid " + (json ? "JSON" : "YAML") + ": " + ex.getOriginalMessage(),
					ex);
		}
		if (root == null || !root.isObject()) {
			throw new InvalidPermissionsException("the permissions must be an object of sections (record, event, rpc, "
					+ "presence), was " + ((root == null || root.isMissingNode()) ? "empty" : root.getNodeType()));
		}
		for (String key : root.propertyNames()) {
			if (section(key) == null) {
				throw new InvalidPermissionsException("unexpected configuration section \"" + key
						+ "\" (the sections are record, event, rpc and presence)");
			}
		}
		Map<PermissionAction.Section, List<PermissionRules.Entry>> sections = new EnumMap<>(
				PermissionAction.Section.class);
		for (PermissionAction.Section section : PermissionAction.Section.values()) {
			sections.put(section, section(section, root.get(section.key())));
		}
		return new PermissionRules(sections);
	}

	private static List<PermissionRules.Entry> section(PermissionAction.Section section, JsonNode entries) {
		if (entries == null || !entries.isObject()) {
			throw new InvalidPermissionsException("missing configuration section \"" + section.key() + "\"");
		}
		if (entries.isEmpty()) {
			throw new InvalidPermissionsException("empty section \"" + section.key() + "\"");
		}
		if (!entries.has("*")) {
			throw new InvalidPermissionsException("missing root entry \"*\" for section " + section.key());
		}
		List<PermissionRules.Entry> compiled = new ArrayList<>();
		for (Map.Entry<String, JsonNode> entry : entries.properties()) {
			compiled.add(entry(section, entry.getKey(), entry.getValue()));
		}
		return List.copyOf(compiled);
	}

	private static PermissionRules.Entry entry(PermissionAction.Section section, String path, JsonNode rules) {
		String where = section.key() + " \"" + path + "\"";
		String pathProblem = pathProblem(path);
		if (pathProblem != null) {
			throw new InvalidPermissionsException(pathProblem + " for path " + path + " in section " + section.key());
		}
		if (!rules.isObject()) {
			throw new InvalidPermissionsException(where + ": the rules must be an object of rule types, was "
					+ rules.getNodeType());
		}
		List<String> variables = new ArrayList<>();
		Pattern pattern = pattern(path, variables);
		Map<PermissionAction, ValveRule> compiled = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> rule : rules.properties()) {
			PermissionAction action = PermissionAction.of(section, rule.getKey());
			if (action == null) {
				throw new InvalidPermissionsException("unknown rule type " + rule.getKey() + " in section "
						+ section.key() + " (at " + where + ")");
			}
			compiled.put(action, rule(where + " " + action.ruleType(), action, rule.getValue(), variables));
		}
		return new PermissionRules.Entry(path, pattern, List.copyOf(variables), Map.copyOf(compiled));
	}

	private static ValveRule rule(String where, PermissionAction action, JsonNode rule, List<String> variables) {
		if (rule.isBoolean()) {
			return ValveRule.of(rule.booleanValue());
		}
		if (!rule.isString()) {
			throw new InvalidPermissionsException(where + ": a rule must be true, false or an expression string, was "
					+ rule.getNodeType());
		}
		ValveRule compiled;
		try {
			compiled = ValveRule.parse(rule.asString());
		}
		catch (RuleSyntaxException ex) {
			throw new InvalidPermissionsException(where + ": " + ex.getMessage(), ex);
		}
		if (compiled.usesOldData() && !action.hasOldData()) {
			throw new InvalidPermissionsException(where + ": rule " + action.ruleType() + " for "
					+ action.section().key() + " does not support oldData, in rule: " + rule.asString());
		}
		if (compiled.usesData() && !action.hasData()) {
			throw new InvalidPermissionsException(where + ": rule " + action.ruleType() + " for "
					+ action.section().key() + " does not support data, in rule: " + rule.asString());
		}
		for (String variable : compiled.variables()) {
			if (!variables.contains(variable)) {
				throw new InvalidPermissionsException(where + ": the rule uses " + variable
						+ ", which the path does not capture, in rule: " + rule.asString());
			}
		}
		return compiled;
	}

	/** What deepstream's path validation refuses, or {@code null}. */
	private static String pathProblem(String path) {
		if (path.isEmpty()) {
			return "path can't be empty";
		}
		if (path.charAt(0) == '/') {
			return "path can't start with /";
		}
		Matcher invalid = INVALID_VARIABLE.matcher(path);
		if (invalid.find()) {
			return "invalid variable name " + invalid.group();
		}
		return null;
	}

	/**
	 * The pattern that matches the whole of a name: {@code *} any text, {@code $name} one or more characters other
	 * than a slash, and the rest literally.
	 */
	private static Pattern pattern(String path, List<String> variables) {
		StringBuilder regex = new StringBuilder();
		Matcher variable = VARIABLE.matcher(path);
		int from = 0;
		while (variable.find()) {
			literal(regex, path.substring(from, variable.start()));
			regex.append("([^/]+)");
			variables.add(variable.group());
			from = variable.end();
		}
		literal(regex, path.substring(from));
		return Pattern.compile(regex.toString(), Pattern.DOTALL);
	}

	private static void literal(StringBuilder regex, String text) {
		int from = 0;
		for (int star = text.indexOf('*'); star >= 0; star = text.indexOf('*', from)) {
			if (star > from) {
				regex.append(Pattern.quote(text.substring(from, star)));
			}
			regex.append(".*");
			from = star + 1;
		}
		if (from < text.length()) {
			regex.append(Pattern.quote(text.substring(from)));
		}
	}

	private static PermissionAction.Section section(String key) {
		for (PermissionAction.Section section : PermissionAction.Section.values()) {
			if (section.key().equals(key)) {
				return section;
			}
		}
		return null;
	}

}
