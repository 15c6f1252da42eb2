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
			"{\"deep\":[[[[[[[[[[[[[[[[[[[[\"x\"]]]]]]]]]]]]]]]]]]]]}" })
	void readsTheTreeAMapperReads(String json) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

		JsonNode tree = RuleJson.read(bytes);

		assertThat(tree).isEqualTo(MAPPER.readTree(bytes));
		assertThat(JsValues.fromJson(tree)).isEqualTo(JsValues.fromJson(MAPPER.readTree(bytes)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"t\":1,", "{\"t\":1} 2", "[1,]", "{t:1}", "'x'", "[1 2]" })
	void refusesWhatIsNotOneJsonValue(String json) {
		assertThatThrownBy(() -> RuleJson.read(json.getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(JacksonException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   " })
	void noValueIsMissing(String json) {
		assertThat(RuleJson.read(json.getBytes(StandardCharsets.UTF_8)).isMissingNode()).isTrue();
	}

}
