package io.sluice.gateway.permission;

import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * A {@link RuleContext} whose cross-record reads come from records the caller loaded beforehand.
 * @param records record name to data ({@link tools.jackson.databind.node.NullNode} for a record that does not
 * exist)
 */
public record PreloadedRuleContext(String userId, JsonNode userData, JsonNode data, JsonNode oldData, long now,
		String action, Map<String, String> variables, Map<String, JsonNode> records) implements RuleContext {

	public PreloadedRuleContext {
		variables = Map.copyOf(variables);
		records = Map.copyOf(records);
	}

	@Override
	public JsonNode crossRecord(String recordName) {
		return this.records.get(recordName);
	}

}
