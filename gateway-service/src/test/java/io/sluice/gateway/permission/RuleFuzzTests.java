package io.sluice.gateway.permission;

import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The permission rule parser on arbitrary text: a rule compiles, or the file is refused with an
 * {@link InvalidPermissionsException} naming the rule; a compiled rule evaluates to a decision, its failures a
 * denial, the same when the outcomes of its terms fixed per name are remembered. Nothing else may escape, so a bad file never takes the server down any other way than with that message.
 * The normal build replays the inputs committed under {@code RuleFuzzTestsInputs}; {@code JAZZER_FUZZ=1} fuzzes
 * (docs/reliability.md).
 */
class RuleFuzzTests {

	private static final JsonNode DATA = RuleFixture.json("""
			{'t': 1, 'p': 'text <b>', 'list': [1, 'a', null], 'o': {'k': 'v'}, 'owner': 'alice', 'n': null}
			""");

	private static final RuleContext CONTEXT = new PreloadedRuleContext("alice", RuleFixture.json("{'role': 'admin'}"),
			DATA, DATA, 1_700_000_000_000L, "UPDATE", Map.of("$id", "42", "$userId", "alice"),
			Map.of("rec/a", DATA));

	@FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
	void ruleExpressions(@NotNull String expression) {
		ValveRule rule;
		try {
			rule = ValveRule.parse(expression);
		}
		catch (RuleSyntaxException ex) {
			assertThat(ex.getMessage()).isNotBlank();
			return;
		}
		RuleDecision decision = rule.evaluate(CONTEXT, ValveRule.DEFAULT_MAX_RULE_ITERATIONS);
		assertThat(decision).isNotNull();
		// The terms fixed per name, worked out and then remembered, decide the same.
		Object[] outcomes = new Object[rule.fixedTerms()];
		assertThat(rule.evaluate(CONTEXT, ValveRule.DEFAULT_MAX_RULE_ITERATIONS, outcomes)).isEqualTo(decision);
		assertThat(rule.evaluate(CONTEXT, ValveRule.DEFAULT_MAX_RULE_ITERATIONS, outcomes)).isEqualTo(decision);
	}

	@FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
	void permissionFiles(@NotNull String text) {
		try {
			assertThat(PermissionFile.parse(text, false)).isNotNull();
		}
		catch (InvalidPermissionsException ex) {
			assertThat(ex.getMessage()).isNotBlank();
		}
	}

}
