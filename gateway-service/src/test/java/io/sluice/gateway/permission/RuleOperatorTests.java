package io.sluice.gateway.permission;

import org.junit.jupiter.api.Test;

import static io.sluice.gateway.permission.RuleFixture.value;
import static org.assertj.core.api.Assertions.assertThat;

class RuleOperatorTests {

	@Test
	void looseEqualityConvertsAStringToANumber() {
		assertThat(value("'1' == 1")).isEqualTo(true);
		assertThat(value("'1.0' == 1")).isEqualTo(true);
		assertThat(value("'' == 0")).isEqualTo(true);
		assertThat(value("'x' == 0")).isEqualTo(false);
	}

	@Test
	void strictEqualityComparesTypes() {
		assertThat(value("'1' === 1")).isEqualTo(false);
		assertThat(value("1 === 1.0")).isEqualTo(true);
		assertThat(value("'a' !== 'a'")).isEqualTo(false);
		assertThat(value("'1' !== 1")).isEqualTo(true);
	}

	@Test
	void nullAndUndefinedAreLooselyEqualOnlyToEachOther() {
		assertThat(value("null == undefined")).isEqualTo(true);
		assertThat(value("null === undefined")).isEqualTo(false);
		assertThat(value("null == 0")).isEqualTo(false);
		assertThat(value("undefined == ''")).isEqualTo(false);
		assertThat(value("data.missing == null")).isEqualTo(true);
		assertThat(value("data.n === null")).isEqualTo(true);
	}

	@Test
	void booleansCompareLooselyAsNumbers() {
		assertThat(value("true == 1")).isEqualTo(true);
		assertThat(value("false == '0'")).isEqualTo(true);
		assertThat(value("true == 'true'")).isEqualTo(false);
		assertThat(value("true != 2")).isEqualTo(true);
	}

	@Test
	void nanEqualsNothing() {
		assertThat(value("'x' * 1 == 'x' * 1")).isEqualTo(false);
		assertThat(value("'x' * 1 === 'x' * 1")).isEqualTo(false);
	}

	@Test
	void objectsAreEqualOnlyToThemselvesButLooselyToTheirStringForm() {
		assertThat(value("data.o === data.o")).isEqualTo(true);
		assertThat(value("data.o == oldData")).isEqualTo(false);
		assertThat(value("data.arr == '1,2'")).isEqualTo(true);
		assertThat(value("data.o == '[object Object]'")).isEqualTo(true);
	}

	@Test
	void stringsCompareLexicographically() {
		assertThat(value("'b' > 'a'")).isEqualTo(true);
		assertThat(value("'10' < '9'")).isEqualTo(true);
		assertThat(value("'abc' <= 'abd'")).isEqualTo(true);
		assertThat(value("'B' >= 'a'")).isEqualTo(false);
	}

	@Test
	void mixedComparisonsAreNumeric() {
		assertThat(value("'10' < 9")).isEqualTo(false);
		assertThat(value("'10' > 9")).isEqualTo(true);
		assertThat(value("null >= 0")).isEqualTo(true);
		assertThat(value("undefined < 1")).isEqualTo(false);
		assertThat(value("undefined >= 1")).isEqualTo(false);
		assertThat(value("'x' < 1 || 'x' >= 1")).isEqualTo(false);
	}

	@Test
	void plusConcatenatesWhenEitherSideIsAString() {
		assertThat(value("2 + '2'")).isEqualTo("22");
		assertThat(value("'2' + 2")).isEqualTo("22");
		assertThat(value("1 + 2 + '3'")).isEqualTo("33");
		assertThat(value("'a' + null")).isEqualTo("anull");
		assertThat(value("'a' + undefined")).isEqualTo("aundefined");
		assertThat(value("'a' + true")).isEqualTo("atrue");
		assertThat(value("'n' + 1.5")).isEqualTo("n1.5");
		assertThat(value("'' + data.arr")).isEqualTo("1,2");
	}

	@Test
	void plusAddsNumbersAndCoercesOtherPrimitives() {
		assertThat(value("2 + 2")).isEqualTo(4.0);
		assertThat(value("true + 1")).isEqualTo(2.0);
		assertThat(value("null + 1")).isEqualTo(1.0);
		assertThat((Double) value("undefined + 1")).isNaN();
	}

	@Test
	void arithmeticFollowsJavaScript() {
		assertThat(value("7 % 3")).isEqualTo(1.0);
		assertThat(value("'6' * '7'")).isEqualTo(42.0);
		assertThat(value("1 / 0")).isEqualTo(Double.POSITIVE_INFINITY);
		assertThat(value("10 - 2 * 3")).isEqualTo(4.0);
		assertThat(value("(10 - 2) * 3")).isEqualTo(24.0);
		assertThat(value("-data.a")).isEqualTo(-1.0);
		assertThat(value("0x10 + 1e2 + .5")).isEqualTo(116.5);
	}

	@Test
	void andReturnsTheDecidingOperand() {
		assertThat(value("1 && 'x'")).isEqualTo("x");
		assertThat(value("0 && 'x'")).isEqualTo(0.0);
		assertThat(value("'' && data.nothing.deeper")).isEqualTo("");
	}

	@Test
	void orReturnsTheDecidingOperand() {
		assertThat(value("0 || 'fallback'")).isEqualTo("fallback");
		assertThat(value("'first' || data.nothing.deeper")).isEqualTo("first");
		assertThat(value("null || undefined")).isEqualTo(JsValues.UNDEFINED);
	}

	@Test
	void notAndTruthiness() {
		assertThat(value("!''")).isEqualTo(true);
		assertThat(value("!'0'")).isEqualTo(false);
		assertThat(value("!data.o")).isEqualTo(false);
		assertThat(value("!!data.arr")).isEqualTo(true);
		assertThat(value("!(0/0)")).isEqualTo(true);
	}

	@Test
	void ternaryChoosesOneBranchOnly() {
		assertThat(value("data.a ? 'yes' : data.nothing.deeper")).isEqualTo("yes");
		assertThat(value("data.n ? 1 : data.s ? 2 : 3")).isEqualTo(2.0);
	}

	@Test
	void typeofNamesTheType() {
		assertThat(value("typeof data.a")).isEqualTo("number");
		assertThat(value("typeof data.s")).isEqualTo("string");
		assertThat(value("typeof data.n")).isEqualTo("object");
		assertThat(value("typeof data.missing")).isEqualTo("undefined");
		assertThat(value("typeof data.arr")).isEqualTo("object");
		assertThat(value("typeof true")).isEqualTo("boolean");
		assertThat(value("typeof data.a === 'number'")).isEqualTo(true);
	}

	@Test
	void numbersBecomeStringsAsInJavaScript() {
		assertThat(value("'' + 1")).isEqualTo("1");
		assertThat(value("'' + 0.1")).isEqualTo("0.1");
		assertThat(value("'' + -0")).isEqualTo("0");
		assertThat(value("'' + 1e21")).isEqualTo("1e+21");
		assertThat(value("'' + 1e-7")).isEqualTo("1e-7");
		assertThat(value("'' + 0/0")).isEqualTo("NaN");
	}

	@Test
	void numbersBecomeTheirShortestDigitsPlacedAsJavaScriptPlacesThem() {
		assertThat(value("'' + 1e20")).isEqualTo("100000000000000000000");
		assertThat(value("'' + 123456789012345680000")).isEqualTo("123456789012345680000");
		assertThat(value("'' + 0.000001")).isEqualTo("0.000001");
		assertThat(value("'' + 1e-6 * 3")).isEqualTo("0.000003");
		assertThat(value("'' + 8.41e21")).isEqualTo("8.41e+21");
		assertThat(value("'' + 5e-324")).isEqualTo("5e-324");
		assertThat(value("'' + (0.1 + 0.2)")).isEqualTo("0.30000000000000004");
		assertThat(value("'' + -1.5e-7")).isEqualTo("-1.5e-7");
		assertThat(value("'' + 2/3")).isEqualTo("0.6666666666666666");
	}

	@Test
	void stringsBecomeNumbersAfterJavaScriptWhitespaceIsTrimmed() {
		assertThat(value("' \\u00a0 1 \\u00a0 ' * 1")).isEqualTo(1.0);
		assertThat(value("'\\ufeff1' == 1")).isEqualTo(true);
		assertThat((Double) value("'\\u001c1' * 1")).isNaN();
	}

	@Test
	void onlyUnsignedHexOctalAndBinaryDigitsAreNumbers() {
		assertThat(value("'0x1A' * 1")).isEqualTo(26.0);
		assertThat(value("'0b101' * 1")).isEqualTo(5.0);
		assertThat((Double) value("'0x-1' * 1")).isNaN();
		assertThat((Double) value("'-0x1A' * 1")).isNaN();
		assertThat((Double) value("'0x' * 1")).isNaN();
	}

	@Test
	void aRegularExpressionPrintsItsFlagsInJavaScriptsOrder() {
		assertThat(value("'' + /a/ig")).isEqualTo("/a/gi");
		assertThat(value("/a/mi == '/a/im'")).isEqualTo(true);
	}

}
