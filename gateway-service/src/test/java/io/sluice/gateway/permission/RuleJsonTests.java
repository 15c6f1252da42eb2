package io.sluice.gateway.permission;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleJsonTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	@ParameterizedTest
	@ValueSource(strings = { "{\"t\":123456789012,\"p\":\"xxxx\"}", "[]", "{}", "\"text\"", "12", "-0.5e3", "true",
			"null", "{\"a\":{\"b\":[1,[2,{\"c\":null}],{}],\"d\":\"\\u00e9\\n\"},\"e\":false}",
			"{\"big\":123456789012345678901234567890,\"small\":1.5}", "{\"k\":1,\"k\":2}", " [ 1 , 2 ] ",
			"{\"deep\":[[[[[[[[[[[[[[[[[[[[\"x\"]]]]]]]]]]]]]]]]]]]]}", "-0", "2147483647", "2147483648", "-2147483648",
			"-2147483649", "999999999999999999", "9999999999999999999", "{ \"a\" : [ true , false , null ] }\n",
			"\"caf\u00e9\"", "\"escaped\\ttab\"", "{\"a\":1.0}", "[1e2]" })
	void readsTheTreeAMapperReads(String json) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

		JsonNode tree = RuleJson.read(bytes);

		assertThat(tree).isEqualTo(MAPPER.readTree(bytes));
		assertThat(JsValues.fromJson(tree)).isEqualTo(JsValues.fromJson(MAPPER.readTree(bytes)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"t\":1,", "{\"t\":1} 2", "[1,]", "{t:1}", "'x'", "[1 2]", "01", "-", "[1-2]", "truex",
			"{\"a\":nul}", "[", "{\"a\"}", "{\"a\":1,}", "\"open", "[1]]", "{\"a\":1}}",
			"\"raw\ttab\"" })
	void refusesWhatIsNotOneJsonValue(String json) {
		assertThatThrownBy(() -> RuleJson.read(json.getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(JacksonException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"t\":123456789012,\"p\":\"xxxx\"}", "[1,[2,{}]]", " null ", "-12" })
	void plainJsonIsReadWithoutAParser(String json) {
		assertThat(PlainJson.read(json.getBytes(StandardCharsets.UTF_8))).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"caf\u00e9\"", "\"a\\nb\"", "1.5", "1e3", "12345678901234567890", "[1,]", "" })
	void whatIsNotPlainIsLeftToTheParser(String json) {
		assertThat(PlainJson.read(json.getBytes(StandardCharsets.UTF_8))).isNull();
	}

	/** Each case: the JSON, then the members read, separated by {@code |}. */
	@ParameterizedTest
	@ValueSource(strings = { "{\"t\":1,\"p\":\"xx\",\"other\":[1,{\"t\":2}]}|t|p",
			"{\"a\":1,\"a\":{\"b\":2},\"c\":3,\"a\":[3]}|a", "{\"a\":1,\"b\":2,\"a\":2}|b|a",
			"{\"o\":{\"a\":1,\"b\":{\"a\":2}},\"a\":3}|a|o", "{\"o\":{\"a\":1}}|a",
			"{\"s\\u0061\":1,\"sa\":2}|sa", "{\"sa\":2,\"s\\u0061\":1}|sa|s\\u0061",
			"{\"skip\":\"a\\nb\",\"k\":1}|k", "{\"k\":\"caf\u00e9\",\"z\":0}|k", "{\"\u00e9\":1,\"e\":2}|\u00e9",
			"{\"n\":-0,\"big\":123456789012345678901,\"f\":1.5e3,\"i\":2147483648,\"j\":-2147483649}|n|big|f|i|j",
			"{\"skipped\":1.5,\"k\":1}|k", "{\"k\":999999999999999999,\"l\":-999999999999999999}|k|l",
			"{\"0\":\"zero\",\"length\":4,\"x\":null}|0|length", "{}|a", "{\"a\":{}}|", "[{\"a\":1},2]|a",
			"\"text\"|length", "12|a", "null|a", " { \"a\" : [ 1 , { \"a\" : 2 } ] , \"b\" : true } |a",
			"{\"deep\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"x\"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],\"k\":1}|k",
			"{\"a\":[1,[2,{\"b\":\"\"}],{}],\"b\":false,\"c\":\"x y\"}|c|missing" })
	void readingSomeMembersGivesThemAsTheWholeTreeHasThem(String testCase) {
		String[] parts = testCase.split("\\|", -1);
		byte[] bytes = parts[0].getBytes(StandardCharsets.UTF_8);
		String[] members = java.util.Arrays.stream(parts, 1, parts.length).filter((m) -> !m.isEmpty())
			.toArray(String[]::new);

		JsonNode whole = MAPPER.readTree(bytes);
		JsonNode some = RuleJson.read(bytes, members);

		if (!whole.isObject()) {
			assertThat(some).isEqualTo(whole);
			return;
		}
		for (String member : members) {
			assertThat(some.get(member)).as(member).isEqualTo(whole.get(member));
		}
		if (PlainJson.read(bytes) != null) {
			assertThat(some.propertyNames()).as("only the members read").isSubsetOf(members);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"skip\":[1,],\"k\":1}", "{\"skip\":tru,\"k\":1}", "{\"skip\":01,\"k\":1}",
			"{\"k\":1,\"skip\":{\"a\"}}", "{\"k\":1} 2", "{\"k\":1,\"skip\":\"open}", "{\"k\":1,}",
			"{\"skip\":\"raw\ttab\",\"k\":1}", "{\"skip\":-,\"k\":1}" })
	void dataNotValidIsRefusedWhateverTheMembersRead(String json) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

		assertThatThrownBy(() -> RuleJson.read(bytes, new String[] { "k" })).isInstanceOf(JacksonException.class);
		assertThatThrownBy(() -> RuleJson.read(bytes, new String[0])).isInstanceOf(JacksonException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   " })
	void noValueIsMissing(String json) {
		assertThat(RuleJson.read(json.getBytes(StandardCharsets.UTF_8)).isMissingNode()).isTrue();
	}

}
