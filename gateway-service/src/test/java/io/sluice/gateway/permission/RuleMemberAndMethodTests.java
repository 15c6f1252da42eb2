package io.sluice.gateway.permission;

import org.junit.jupiter.api.Test;

import static io.sluice.gateway.permission.RuleFixture.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleMemberAndMethodTests {

	@Test
	void membersByDotAndBracket() {
		assertThat(value("data.o.k")).isEqualTo("v");
		assertThat(value("data['o']['k']")).isEqualTo("v");
		assertThat(value("data['o'][data.o.k == 'v' ? 'k' : 'x']")).isEqualTo("v");
		assertThat(value("data.arr[1]")).isEqualTo("2");
		assertThat(value("data.arr['0']")).isEqualTo(1.0);
		assertThat(value("data.arr[5]")).isEqualTo(JsValues.UNDEFINED);
	}

	@Test
	void lengthOfStringsAndArrays() {
		assertThat(value("data.arr.length")).isEqualTo(2.0);
		assertThat(value("'hello'.length")).isEqualTo(5.0);
		assertThat(value("'hello'[1]")).isEqualTo("e");
		assertThat(value("data.o.length")).isEqualTo(JsValues.UNDEFINED);
	}

	@Test
	void aMissingMemberIsUndefined() {
		assertThat(value("data.nothing")).isEqualTo(JsValues.UNDEFINED);
		assertThat(value("data.a.b")).isEqualTo(JsValues.UNDEFINED);
	}

	@Test
	void aMemberOfUndefinedOrNullFails() {
		assertThatThrownBy(() -> value("data.nothing.deeper")).isInstanceOf(RuleEvaluationException.class)
			.hasMessage("cannot read property 'deeper' of undefined");
		assertThatThrownBy(() -> value("data.n.k")).hasMessage("cannot read property 'k' of null");
	}

	@Test
	void caseMethods() {
		assertThat(value("user.data.role.toLowerCase() == 'admin'")).isEqualTo(true);
		assertThat(value("'abc'.toUpperCase()")).isEqualTo("ABC");
		assertThat(value("'  padded \\t'.trim()")).isEqualTo("padded");
	}

	@Test
	void startsWithAndEndsWith() {
		assertThat(value("'chat/alice'.startsWith('chat/')")).isEqualTo(true);
		assertThat(value("'chat/alice'.startsWith('alice', 5)")).isEqualTo(true);
		assertThat(value("'chat/alice'.endsWith('alice')")).isEqualTo(true);
		assertThat(value("'chat/alice'.endsWith('chat', 4)")).isEqualTo(true);
		assertThat(value("'chat/alice'.endsWith('bob')")).isEqualTo(false);
	}

	@Test
	void indexOfAndIncludes() {
		assertThat(value("'banana'.indexOf('an')")).isEqualTo(1.0);
		assertThat(value("'banana'.indexOf('an', 2)")).isEqualTo(3.0);
		assertThat(value("'banana'.indexOf('x')")).isEqualTo(-1.0);
		assertThat(value("'banana'.includes('nan')")).isEqualTo(true);
		assertThat(value("data.arr.indexOf('2')")).isEqualTo(1.0);
		assertThat(value("data.arr.indexOf(2)")).isEqualTo(-1.0);
		assertThat(value("user.data.tags.includes('b')")).isEqualTo(true);
	}

	@Test
	void regexMatchReturnsTheMatchOrNull() {
		assertThat(value("'hello world'.match(/^hello/)")).hasToString("[\"hello\"]");
		assertThat(value("'hello world'.match(/^world/)")).isEqualTo(JsValues.NULL);
		assertThat(value("'Hello'.match(/^hello$/i) ? 'yes' : 'no'")).isEqualTo("yes");
		assertThat(value("'a1b22'.match(/\\d+/g)")).hasToString("[\"1\",\"22\"]");
		assertThat(value("'key=val'.match(/(\\w+)=(\\w+)/)[2]")).isEqualTo("val");
		assertThat(value("'a/b'.match(/[/]b/) != null")).isEqualTo(true);
	}

	@Test
	void matchCompilesAStringArgument() {
		assertThat(value("'abc'.match('b.') != null")).isEqualTo(true);
		assertThatThrownBy(() -> value("'abc'.match('(')")).isInstanceOf(RuleEvaluationException.class)
			.hasMessageStartingWith("invalid regular expression /(/");
	}

	@Test
	void trimRemovesJavaScriptWhitespaceOnly() {
		assertThat(value("'\\u00a0abc\\u3000'.trim()")).isEqualTo("abc");
		assertThat(value("'\\u001cabc'.trim()")).isEqualTo("\u001cabc");
	}

	@Test
	void searchingForARegularExpressionFailsAsInJavaScript() {
		assertThatThrownBy(() -> value("'abc'.startsWith(/a/)")).isInstanceOf(RuleEvaluationException.class)
			.hasMessage("the argument of startsWith() must not be a regular expression");
		assertThatThrownBy(() -> value("'abc'.includes(/a/)")).isInstanceOf(RuleEvaluationException.class);
		assertThatThrownBy(() -> value("'abc'.endsWith(/c/)")).isInstanceOf(RuleEvaluationException.class);
		assertThat(value("'/a/'.indexOf(/a/)")).isEqualTo(0.0);
	}

	@Test
	void arrayIndexOfAndIncludesStartFromTheirSecondArgument() {
		assertThat(value("data.arr.indexOf(1, 1)")).isEqualTo(-1.0);
		assertThat(value("data.arr.indexOf('2', -1)")).isEqualTo(1.0);
		assertThat(value("data.arr.indexOf(1, -1)")).isEqualTo(-1.0);
		assertThat(value("data.arr.includes(1, -5)")).isEqualTo(true);
		assertThat(value("data.arr.includes(1, 0/0)")).isEqualTo(true);
	}

	@Test
	void aGroupThatTookNoPartInTheMatchIsUndefined() {
		assertThat(value("'a'.match(/(b)?a/)[1]")).isEqualTo(JsValues.UNDEFINED);
		assertThat(value("'a'.match(/(b)?a/) + ''")).isEqualTo("a,");
	}

	@Test
	void regularExpressionsMeanWhatTheyMeanInJavaScript() {
		assertThat(value("'abc\\n'.match(/abc$/)")).isEqualTo(JsValues.NULL);
		assertThat(value("'abc\\ndef'.match(/c$/m)[0]")).isEqualTo("c");
		assertThat(value("'a\\n'.match(/^$/m)[0]")).isEqualTo("");
		assertThat(value("'a\\u0085b'.match(/a.b/)[0]")).isEqualTo("a\u0085b");
		assertThat(value("'a\\u2028b'.match(/a.b/)")).isEqualTo(JsValues.NULL);
		assertThat(value("'a\\nb'.match(/a.b/s)[0]")).isEqualTo("a\nb");
		assertThat(value("'É'.match(/é/i)[0]")).isEqualTo("É");
		assertThat(value("'éb'.match(/\\bb/)[0]")).isEqualTo("b");
		assertThat(value("'\\u00a0'.match(/\\s/)[0]")).isEqualTo("\u00a0");
		assertThat(value("'\\u000b'.match(/[\\v]/)[0]")).isEqualTo("\u000b");
		assertThat(value("'a{'.match(/a{/)[0]")).isEqualTo("a{");
		assertThat(value("'[&'.match(/[[&]+/)[0]")).isEqualTo("[&");
		assertThat(value("'x'.match(/[]/)")).isEqualTo(JsValues.NULL);
		assertThat(value("'\\n'.match(/[^]/)[0]")).isEqualTo("\n");
		assertThat(value("'ae'.match(/\\a\\e/)[0]")).isEqualTo("ae");
	}

	@Test
	void aStringPatternIsCompiledWhenTheRuleIsParsed() {
		RuleNode.MethodCall call = (RuleNode.MethodCall) RuleParser.parse("data.s.match('^x')").root();
		assertThat(((RuleNode.Literal) call.arguments().get(0)).value()).isInstanceOf(RegexValue.class);
		assertThat(value("data.s.match('^x')[0]")).isEqualTo("x");
	}

	@Test
	void aMethodOnANonStringFails() {
		assertThatThrownBy(() -> value("data.a.toLowerCase()")).isInstanceOf(RuleEvaluationException.class)
			.hasMessage("cannot call toLowerCase() on 1 (number)");
		assertThatThrownBy(() -> value("data.nothing.trim()")).hasMessage("cannot call trim() on undefined (undefined)");
	}

}
