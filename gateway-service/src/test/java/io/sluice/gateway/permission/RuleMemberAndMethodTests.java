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
	void aMethodOnANonStringFails() {
		assertThatThrownBy(() -> value("data.a.toLowerCase()")).isInstanceOf(RuleEvaluationException.class)
			.hasMessage("cannot call toLowerCase() on 1 (number)");
		assertThatThrownBy(() -> value("data.nothing.trim()")).hasMessage("cannot call trim() on undefined (undefined)");
	}

}
