package io.sluice.gateway.permission;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleSyntaxTests {

	private static final String ONLY_METHODS = "only the methods endsWith, includes, indexOf, match, startsWith, "
			+ "toLowerCase, toUpperCase, trim and _() may be called";

	private static String unknownIdentifier(String name) {
		return "unknown identifier '" + name + "' (a rule may use user, data, oldData, now, action, $variables and _())";
	}

	private static void refused(String rule, String problem, int column) {
		assertThatThrownBy(() -> ValveRule.parse(rule)).isInstanceOf(RuleSyntaxException.class)
			.hasMessage(problem + " at column " + column + " in rule: " + rule)
			.extracting(ex -> ((RuleSyntaxException) ex).column())
			.isEqualTo(column);
	}

	@Test
	void theRulesOfTheDeepstreamDocsParse() {
		assertThat(ValveRule.parse("user.id === $userId && data.owner == user.id").variables())
			.containsExactly("$userId");
		assertThat(ValveRule.parse("_('settings/' + data.id).admin === true").crossReferences()).hasSize(1);
		assertThat(ValveRule.parse("oldData.count < data.count || user.data.role.toLowerCase() == 'admin'")
			.usesOldData()).isTrue();
		assertThat(ValveRule.parse("data.text.match(/^hello/)").usesData()).isTrue();
	}

	@Test
	void assignmentIsRefused() {
		refused("data.a = 1", "assignment '=' is not allowed", 8);
		refused("data.a += 1", "assignment '+=' is not allowed", 8);
		refused("user.id === (data.x = 'y')", "assignment '=' is not allowed", 21);
	}

	@Test
	void incrementAndDecrementAreRefused() {
		refused("data.a++", "increment '++' is not allowed", 7);
		refused("--data.a", "decrement '--' is not allowed", 1);
	}

	@Test
	void functionsAreRefused() {
		refused("function() { return true }", "user functions are not allowed", 1);
		refused("(() => true)", "user functions ('=>') are not allowed", 5);
	}

	@Test
	void keywordsAreRefused() {
		refused("new Date() > 0", "the new keyword is not allowed", 1);
		refused("this.x", "'this' is not allowed", 1);
		refused("eval('1')", "eval is not allowed", 1);
	}

	@Test
	void prototypeMembersAreRefused() {
		refused("data.constructor", "member 'constructor' is not allowed", 6);
		refused("data['__proto__']", "member '__proto__' is not allowed", 6);
		refused("user.data.prototype.x", "member 'prototype' is not allowed", 11);
	}

	@Test
	void globalsAreRefused() {
		refused("process.exit()", unknownIdentifier("process"), 1);
		refused("data.a && window", unknownIdentifier("window"), 11);
		refused("Math.max(1, 2)", unknownIdentifier("Math"), 1);
		refused("require('fs')", unknownIdentifier("require"), 1);
	}

	@Test
	void methodsOutsideTheListAreRefused() {
		refused("data.s.substring(1)", "function 'substring' is not supported", 8);
		refused("data.s.toString()", "function 'toString' is not supported", 8);
	}

	@Test
	void callsOfAnythingButAMethodAreRefused() {
		refused("data['trim']()", ONLY_METHODS, 13);
		refused("user(1)", ONLY_METHODS, 5);
	}

	@Test
	void legacyOctalNumbersAndEscapesAreRefusedAsStrictModeRefusesThem() {
		refused("data.a == 010", "a number may not start with 0: '010'", 11);
		refused("data.a == 08", "a number may not start with 0: '08'", 11);
		refused("data.s == '\\1'", "octal escape sequences are not allowed", 12);
		refused("data.s == '\\01'", "octal escape sequences are not allowed", 12);
		assertThat(ValveRule.parse("data.a == 0 || data.a == 0.5 || data.s == '\\0'")).isNotNull();
	}

	@Test
	void anEscapedLineBreakContinuesTheString() {
		assertThat(RuleFixture.value("'a\\\nb'")).isEqualTo("ab");
		assertThat(RuleFixture.value("'a\\\r\nb'")).isEqualTo("ab");
	}

	@Test
	void operatorsThatChangeOrDeleteAreRefused() {
		refused("delete data.a", unknownIdentifier("delete"), 1);
		refused("void data.a", unknownIdentifier("void"), 1);
		refused("data.arr.includes(x => x)", "user functions ('=>') are not allowed", 21);
		refused("data.s.split(',').length", "function 'split' is not supported", 8);
		refused("String(data.a) == '1'", unknownIdentifier("String"), 1);
		refused("(data.a, true)", "expected ')' closing the '(' at column 1 but found ','", 8);
	}

	@Test
	void unterminatedLiteralsAreRefused() {
		refused("data.a == 'abc", "unterminated string", 11);
		refused("data.a == \"abc\\\"", "unterminated string", 11);
		refused("data.s.match(/abc)", "unterminated regular expression", 14);
		refused("data.s == 'a\rb'", "unterminated string", 11);
	}

	@Test
	void badRegularExpressionsAreRefused() {
		refused("data.s.match(/a(/)", "invalid regular expression /a(/: Unclosed group", 14);
		refused("data.s.match(/a/y)", "regular expression flag 'y' is not supported", 14);
	}

	@Test
	void unbalancedParenthesesAreRefused() {
		refused("(data.a == 1", "expected ')' closing the '(' at column 1 before the end of rule", 13);
		refused("data.a == 1)", "unbalanced ')'", 12);
		refused("data.s.startsWith('a'", "expected ')' closing the '(' at column 18 before the end of rule", 22);
	}

	@Test
	void trailingTokensAreRefused() {
		refused("data.a data.b", "unexpected 'data' after the expression", 8);
		refused("true false", "unexpected 'false' after the expression", 6);
	}

	@Test
	void otherOperatorsAreRefused() {
		refused("data.a & 1", "operator '&' is not supported", 8);
		refused("data.a; true", "';' is not allowed: a rule is one expression", 7);
		refused("`x`", "template strings are not supported", 1);
	}

	@Test
	void incompleteExpressionsAreRefused() {
		refused("data.a ==", "unexpected end of rule", 10);
		refused("data.", "expected a member name after '.'", 6);
		refused("   ", "rule can't be empty", 1);
		refused("_", "_ must be called: _(recordName)", 1);
		refused("_('a', 'b')", "_() takes one argument", 6);
	}

}
