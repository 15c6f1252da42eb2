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

	@ParameterizedTest
	@ValueSource(strings = { "", "   " })
	void noValueIsMissing(String json) {
		assertThat(RuleJson.read(json.getBytes(StandardCharsets.UTF_8)).isMissingNode()).isTrue();
	}

}
