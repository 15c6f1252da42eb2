package io.sluice.gateway.permission;

import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

import static io.sluice.gateway.permission.RuleFixture.context;
import static io.sluice.gateway.permission.RuleFixture.json;
import static io.sluice.gateway.permission.RuleFixture.withRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValveRuleTests {

	private static RuleDecision decide(String rule, RuleContext context) {
		return ValveRule.parse(rule).evaluate(context, ValveRule.DEFAULT_MAX_RULE_ITERATIONS);
	}

	@Test
	void constantRulesNeedNoContext() {
		assertThat(ValveRule.of(true).evaluate(null, 0).allowed()).isTrue();
		assertThat(ValveRule.of(false).evaluate(null, 0).allowed()).isFalse();
	}

	@Test
	void theResultIsTheTruthinessOfTheValue() {
		assertThat(decide("data.owner", context("{'owner':'alice'}", null))).isEqualTo(RuleDecision.ALLOW);
		assertThat(decide("data.owner", context("{'owner':''}", null))).isEqualTo(RuleDecision.DENY);
		assertThat(decide("data.count", context("{'count':0}", null))).isEqualTo(RuleDecision.DENY);
	}

	@Test
	void userPathVariablesAndData() {
		RuleContext own = context("{'owner':'alice'}", null);
		RuleContext other = context("{'owner':'bob'}", null);
		String rule = "user.id === $userId && data.owner == user.id && user.isAuthenticated";
		assertThat(decide(rule, own).allowed()).isTrue();
		assertThat(decide(rule, other).allowed()).isFalse();
	}

	@Test
	void oldDataNowAndAction() {
		RuleContext context = context("{'count':2}", "{'count':1}");
		assertThat(decide("oldData.count < data.count", context).allowed()).isTrue();
		assertThat(decide("now === " + RuleFixture.NOW + " && action === 'write'", context).allowed()).isTrue();
	}

	@Test
	void anUndefinedPathVariableDeniesWithTheReason() {
		RuleDecision decision = decide("$roomId == 'a'", context("{}", null));
		assertThat(decision.allowed()).isFalse();
		assertThat(decision.error()).isEqualTo("path variable $roomId is not defined");
	}

	@Test
	void anEvaluationErrorDeniesWithTheReason() {
		RuleDecision decision = decide("data.a.b == 1", context("{}", null));
		assertThat(decision.allowed()).isFalse();
		assertThat(decision.failed()).isTrue();
		assertThat(decision.error()).isEqualTo("cannot read property 'b' of undefined");
	}

	@Test
	void aRegexRuleAllowsOnlyMatchingText() {
		assertThat(decide("data.text.match(/^hello/)", context("{'text':'hello you'}", null)).allowed()).isTrue();
		assertThat(decide("data.text.match(/^hello/)", context("{'text':'bye'}", null)).allowed()).isFalse();
	}

	@Test
	void crossReferencesAreListedInnermostFirst() {
		ValveRule rule = ValveRule.parse("_(_('index/' + $userId).current).open && _('flags').on");
		assertThat(rule.crossReferences()).extracting(CrossReference::source)
			.containsExactly("'index/' + $userId", "_('index/' + $userId).current", "'flags'");
	}

	@Test
	void crossReferenceArgumentsEvaluateToRecordNames() {
		ValveRule rule = ValveRule.parse("_('settings/' + data.id).admin === true && _(data.none).x");
		RuleContext context = withRecords(Map.of());
		assertThat(rule.crossReferences().get(0).recordName(context, 3)).contains("settings/s1");
		assertThat(rule.crossReferences().get(1).recordName(context, 3)).isEmpty();
	}

	@Test
	void aCrossReferenceThatIsNotAStringIsRefusedToTheCaller() {
		CrossReference reference = ValveRule.parse("_(data.ref.length)").crossReferences().get(0);
		assertThatThrownBy(() -> reference.recordName(withRecords(Map.of()), 3))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("_(data.ref.length) needs a record name, got number");
	}

	@Test
	void crossRecordReadsUsePreloadedData() {
		RuleContext context = withRecords(Map.of("settings/s1", json("{'admin':true}")));
		assertThat(decide("_('settings/' + data.id).admin === true", context).allowed()).isTrue();
		assertThat(decide("_('settings/' + data.id).admin === false", context).allowed()).isFalse();
	}

	@Test
	void nestedCrossRecordReads() {
		Map<String, JsonNode> records = Map.of("chain/1", json("{'next':'chain/2'}"), "chain/2", json("{'ok':1}"));
		assertThat(decide("_(_(data.ref).next).ok === 1", withRecords(records)).allowed()).isTrue();
	}

	@Test
	void aMissingRecordReadsAsNull() {
		RuleContext context = withRecords(Map.of("gone", NullNode.getInstance()));
		assertThat(decide("_('gone') === null", context).allowed()).isTrue();
		assertThat(decide("_('gone').x", context).error()).isEqualTo("cannot read property 'x' of null");
	}

	@Test
	void aRecordThatWasNotPreloadedDenies() {
		RuleDecision decision = decide("_('elsewhere').x", withRecords(Map.of()));
		assertThat(decision.allowed()).isFalse();
		assertThat(decision.error()).isEqualTo("record 'elsewhere' was not preloaded for _()");
	}

	@Test
	void anUndefinedRecordNameReadsNothing() {
		assertThat(decide("_(data.none) === undefined", withRecords(Map.of())).allowed()).isTrue();
		assertThat(decide("_('x/' + data.none) === undefined", withRecords(Map.of())).allowed()).isTrue();
	}

	@Test
	void crossRecordReadsAreCappedByMaxRuleIterations() {
		Map<String, JsonNode> records = Map.of("r", json("{'v':1}"));
		ValveRule rule = ValveRule.parse("_('r').v + _('r').v + _('r').v === 3");
		assertThat(rule.evaluate(withRecords(records), 3).allowed()).isTrue();
		RuleDecision capped = rule.evaluate(withRecords(records), 2);
		assertThat(capped.allowed()).isFalse();
		assertThat(capped.error()).isEqualTo("rule exceeded maxRuleIterations (2) cross-record reads at _('r')");
	}

	@Test
	void shortCircuitSkipsCrossRecordReads() {
		ValveRule rule = ValveRule.parse("data.id === 'other' && _('never').x");
		assertThat(rule.evaluate(withRecords(Map.of()), 0)).isEqualTo(RuleDecision.DENY);
	}

	@Test
	void aNonStringRecordNameFailsTheRule() {
		assertThat(decide("_(1)", withRecords(Map.of())).error()).isEqualTo("_() needs a record name, got number");
	}

}
