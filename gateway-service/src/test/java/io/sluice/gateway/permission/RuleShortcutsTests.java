package io.sluice.gateway.permission;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two ways a check avoids work, each deciding exactly as evaluating the whole rule over the whole data: the
 * outcomes of the terms fixed per connection and name remembered ({@link RuleTerms}), and only the members of
 * {@code data} a rule reads taken from the message ({@link ValveRule#dataMembers()}). Random expressions of
 * {@link RandomRuleExpressions} over the contexts of {@link ValveRuleJavaScriptTests}; no Node.js needed, since the
 * reference is the rule evaluated in full (which that test compares with JavaScript).
 */
class RuleShortcutsTests {

	private static final int EXPRESSIONS = 3000;

	private static final int MAX_RULE_ITERATIONS = 3;

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 20240611 })
	void rememberedOutcomesDecideAsTheWholeRule(long seed) {
		List<PreloadedRuleContext> contexts = contexts();
		List<String> divergences = new ArrayList<>();
		int remembering = 0;
		for (ValveRule rule : rules(seed)) {
			if (rule.fixedTerms() > 0) {
				remembering++;
			}
			for (int i = 0; i < contexts.size(); i++) {
				PreloadedRuleContext context = contexts.get(i);
				// The same user and names, the message's part of another context: what a connection's next message is.
				PreloadedRuleContext next = nextMessage(context, contexts.get((i + 1) % contexts.size()));
				Object[] outcomes = new Object[rule.fixedTerms()];
				RuleDecision first = rule.evaluate(context, MAX_RULE_ITERATIONS, outcomes);
				RuleDecision again = rule.evaluate(context, MAX_RULE_ITERATIONS, outcomes);
				RuleDecision later = rule.evaluate(next, MAX_RULE_ITERATIONS, outcomes);
				RuleDecision whole = rule.evaluate(context, MAX_RULE_ITERATIONS);
				RuleDecision wholeLater = rule.evaluate(next, MAX_RULE_ITERATIONS);
				if (!first.equals(whole) || !again.equals(whole) || !later.equals(wholeLater)) {
					divergences.add(rule + " in context " + i + ": " + whole + " / " + wholeLater + ", remembered "
							+ first + ", " + again + " / " + later);
				}
			}
		}
		assertThat(divergences).isEmpty();
		assertThat(remembering).as("rules with a term fixed per name").isGreaterThan(EXPRESSIONS / 4);
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 20240611 })
	void membersOfTheDataDecideAsTheWholeData(long seed) {
		List<PreloadedRuleContext> contexts = contexts();
		List<String> divergences = new ArrayList<>();
		int reading = 0;
		for (ValveRule rule : rules(seed)) {
			String[] members = rule.dataMembers();
			if (members == null || !rule.usesData()) {
				continue;
			}
			reading++;
			for (int i = 0; i < contexts.size(); i++) {
				PreloadedRuleContext context = contexts.get(i);
				if (context.data() == null) {
					continue;
				}
				byte[] json = RuleFixture.JSON.writeValueAsBytes(context.data());
				RuleDecision whole = rule.evaluate(withData(context, RuleJson.read(json)), MAX_RULE_ITERATIONS);
				RuleDecision some = rule.evaluate(withData(context, RuleJson.read(json, members)), MAX_RULE_ITERATIONS);
				if (!some.equals(whole)) {
					divergences.add(rule + " in context " + i + ": " + whole + ", on members " + some);
				}
			}
		}
		assertThat(divergences).isEmpty();
		assertThat(reading).as("rules reading only some members of data").isGreaterThan(EXPRESSIONS / 10);
	}

	@Test
	void aFixedTermIsOneThatReadsOnlyTheUserAndTheName() {
		assertThat(ValveRule.parse("user.id == $id && user.data.role.toLowerCase() == 'admin'").fixedTerms())
			.isEqualTo(2);
		assertThat(ValveRule.parse("data.a == 1 && (oldData == null || now > 1) && action == 'x' && _('r').a")
			.fixedTerms()).isZero();
		assertThat(ValveRule.parse("user.isAuthenticated && data.a == 1").fixedTerms()).isEqualTo(2);
		assertThat(ValveRule.parse("_($id) == null || user.id == 'a'").fixedTerms()).isZero();
	}

	@Test
	void aTermFailingBeforeAFixedOneThatDeniesStillFails() {
		ValveRule rule = ValveRule.parse("data.missing.member == 1 && user.id == 'nobody'");
		PreloadedRuleContext context = contexts().get(0);
		Object[] outcomes = new Object[rule.fixedTerms()];

		rule.evaluate(context, MAX_RULE_ITERATIONS, outcomes);
		RuleDecision decision = rule.evaluate(context, MAX_RULE_ITERATIONS, outcomes);

		assertThat(decision.failed()).isTrue();
		assertThat(decision).isEqualTo(rule.evaluate(context, MAX_RULE_ITERATIONS));
	}

	@Test
	void aFixedTermThatFailedFailsEachTimeWithItsError() {
		ValveRule rule = ValveRule.parse("typeof data == 'object' && user.data.nothing.member == 1");
		PreloadedRuleContext context = contexts().get(0);
		Object[] outcomes = new Object[rule.fixedTerms()];

		RuleDecision first = rule.evaluate(context, MAX_RULE_ITERATIONS, outcomes);
		RuleDecision second = rule.evaluate(context, MAX_RULE_ITERATIONS, outcomes);

		assertThat(outcomes[1]).isInstanceOf(RuleTerms.Failure.class);
		assertThat(second).isEqualTo(first).isEqualTo(rule.evaluate(context, MAX_RULE_ITERATIONS));
		assertThat(second.error()).contains("member");
	}

	@Test
	void theMembersOfDataARuleReadsAreThoseNamedInIt() {
		assertThat(ValveRule.parse("typeof data.t == 'number' && data['p'].length < 9 && data[0] != 1").dataMembers())
			.containsExactlyInAnyOrder("t", "p", "0");
		assertThat(ValveRule.parse("data.length > 2").dataMembers()).containsExactly("length");
		assertThat(ValveRule.parse("data != null && data.t == 1").dataMembers()).isNull();
		assertThat(ValveRule.parse("data[$id] == 1").dataMembers()).isNull();
		assertThat(ValveRule.parse("typeof data == 'string'").dataMembers()).isNull();
		assertThat(ValveRule.parse("oldData.t == 1").dataMembers()).isEmpty();
		assertThat(ValveRule.parse("_('r/' + data.id).ok").dataMembers()).containsExactly("id");
	}

	private static List<ValveRule> rules(long seed) {
		RandomRuleExpressions random = new RandomRuleExpressions(seed);
		List<ValveRule> rules = new ArrayList<>();
		while (rules.size() < EXPRESSIONS) {
			try {
				rules.add(ValveRule.parse(random.next()));
			}
			catch (RuleSyntaxException ex) {
				// refused when loaded: nothing to evaluate
			}
		}
		return rules;
	}

	private static List<PreloadedRuleContext> contexts() {
		return ValveRuleJavaScriptTests.contexts().stream().map(ValveRuleJavaScriptTests::ruleContext).toList();
	}

	/** The user, names and records of {@code context} with the data, old data, time and action of {@code other}. */
	private static PreloadedRuleContext nextMessage(PreloadedRuleContext context, PreloadedRuleContext other) {
		return new PreloadedRuleContext(context.userId(), context.userData(), other.data(), other.oldData(),
				other.now(), other.action(), context.variables(), context.records());
	}

	private static PreloadedRuleContext withData(PreloadedRuleContext context, JsonNode data) {
		return new PreloadedRuleContext(context.userId(), context.userData(), data, context.oldData(), context.now(),
				context.action(), context.variables(), context.records());
	}

}
