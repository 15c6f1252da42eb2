package io.sluice.record;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RecordPathTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private JsonNode json(String text) {
		return this.mapper.readTree(text.replace('\'', '"'));
	}

	@Test
	void setsANestedKeyCreatingObjectsOnTheWay() {
		JsonNode result = RecordPath.parse("a.b.c").set(json("{}"), json("1"));
		assertThat(result).isEqualTo(json("{'a':{'b':{'c':1}}}"));
	}

	@Test
	void setsAnArrayElementCreatingAnArrayPaddedWithNulls() {
		JsonNode result = RecordPath.parse("a.b[2].c").set(json("{'x':true}"), json("'v'"));
		assertThat(result).isEqualTo(json("{'x':true,'a':{'b':[null,null,{'c':'v'}]}}"));
	}

	@Test
	void replacesAnExistingValueWithoutChangingTheOriginal() {
		JsonNode original = json("{'a':{'b':[1,2,3]}}");
		JsonNode result = RecordPath.parse("a.b[1]").set(original, json("{'n':2}"));
		assertThat(result).isEqualTo(json("{'a':{'b':[1,{'n':2},3]}}"));
		assertThat(original).isEqualTo(json("{'a':{'b':[1,2,3]}}"));
	}

	@Test
	void replacesAScalarOnTheWayWithAnObject() {
		JsonNode result = RecordPath.parse("a.b").set(json("{'a':5}"), json("true"));
		assertThat(result).isEqualTo(json("{'a':{'b':true}}"));
	}

	@Test
	void skipsBlankSegmentsAsTheClientDoes() {
		assertThat(RecordPath.parse(" a..b ").set(json("{}"), json("1"))).isEqualTo(json("{'a':{'b':1}}"));
	}

	@Test
	void erasesAKeyAndLeavesArraySlotsAsNull() {
		assertThat(RecordPath.parse("a.b").erase(json("{'a':{'b':1,'c':2}}"))).isEqualTo(json("{'a':{'c':2}}"));
		assertThat(RecordPath.parse("a[1]").erase(json("{'a':[1,2,3]}"))).isEqualTo(json("{'a':[1,null,3]}"));
	}

	@Test
	void erasingAPathThatLeadsNowhereChangesNothing() {
		assertThat(RecordPath.parse("x.y.z").erase(json("{'a':1}"))).isEqualTo(json("{'a':1}"));
	}

	@Test
	void rejectsPathsThatNameNothingOrAreMalformed() {
		assertThatIllegalArgumentException().isThrownBy(() -> RecordPath.parse("")).withMessageContaining("empty");
		assertThatIllegalArgumentException().isThrownBy(() -> RecordPath.parse(" . . "))
			.withMessageContaining("names nothing");
		assertThatIllegalArgumentException().isThrownBy(() -> RecordPath.parse("a[1"))
			.withMessageContaining("unclosed");
		assertThatIllegalArgumentException().isThrownBy(() -> RecordPath.parse("a[x]"))
			.withMessageContaining("non-numeric");
		assertThatIllegalArgumentException().isThrownBy(() -> RecordPath.parse("a[-1]"))
			.withMessageContaining("-1");
		assertThatIllegalArgumentException().isThrownBy(() -> RecordPath.parse("a[1]b"))
			.withMessageContaining("after ']'");
		assertThatIllegalArgumentException().isThrownBy(() -> RecordPath.parse("a".repeat(2000)))
			.withMessageContaining("at most");
	}

	@Test
	void rejectsAKeyIntoAnArray() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RecordPath.parse("a.b").set(json("{'a':[1]}"), json("1")))
			.withMessageContaining("indexes an array with the key 'b'");
	}

}
