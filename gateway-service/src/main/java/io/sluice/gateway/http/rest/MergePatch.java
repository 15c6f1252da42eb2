package io.sluice.gateway.http.rest;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Merge Patch (RFC 7396): a patch object sets each of its members on the target, {@code null} removing one,
 * recursively; any other patch replaces the target whole.
 */
final class MergePatch {

	private MergePatch() {
	}

	/** {@code target} (which is not changed; {@code null} for none) with {@code patch} applied. */
	static JsonNode apply(JsonNode target, JsonNode patch) {
		if (!patch.isObject()) {
			return patch;
		}
		ObjectNode result = (target != null && target.isObject()) ? ((ObjectNode) target).deepCopy()
				: RestJson.JSON.createObjectNode();
		for (Map.Entry<String, JsonNode> member : patch.properties()) {
			if (member.getValue().isNull()) {
				result.remove(member.getKey());
			}
			else {
				result.set(member.getKey(), apply(result.get(member.getKey()), member.getValue()));
			}
		}
		return result;
	}

}
