package io.sluice.gateway.permission;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Builds contexts from JSON text and evaluates expressions to their JavaScript value. */
final class RuleFixture {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final long NOW = 1_700_000_000_000L;

	private RuleFixture() {
	}

	static JsonNode json(String text) {
		return JSON.readTree(text.replace('\'', '"'));
	}

	static PreloadedRuleContext context(String data, String oldData) {
		return new PreloadedRuleContext("alice", json("{'role':'Admin','tags':['a','b']}"), data == null ? null : json(data),
				oldData == null ? null : json(oldData), NOW, "write", Map.of("$userId", "alice"), Map.of());
	}

	static PreloadedRuleContext withRecords(Map<String, JsonNode> records) {
		return new PreloadedRuleContext("alice", null, json("{'id':'s1','ref':'chain/1'}"), null, NOW, "read",
				Map.of(), records);
	}

	/** The value of an expression over a fixed context: data {a:1, s:'x', n:null, arr:[1,'2'], o:{k:'v'}}. */
	static Object value(String expression) {
		return ValveRule.parse(expression)
			.value(context("{'a':1,'s':'x','n':null,'arr':[1,'2'],'o':{'k':'v'}}", "{'a':0}"),
					ValveRule.DEFAULT_MAX_RULE_ITERATIONS);
	}

}
