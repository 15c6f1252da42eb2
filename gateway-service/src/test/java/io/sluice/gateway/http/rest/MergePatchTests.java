package io.sluice.gateway.http.rest;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** JSON Merge Patch as RFC 7396 defines it, with the examples of its appendix A. */
class MergePatchTests {

	@Test
	void rfc7396AppendixExamples() {
		assertMerged("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
		assertMerged("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
		assertMerged("{\"a\":\"b\"}", "{\"a\":null}", "{}");
		assertMerged("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
		assertMerged("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
		assertMerged("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
		assertMerged("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}");
		assertMerged("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
		assertMerged("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]");
		assertMerged("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]");
		assertMerged("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
		assertMerged("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
		assertMerged("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
	}

	@Test
	void noTargetIsAnEmptyObjectAndTheTargetIsLeftAlone() {
		assertThat(MergePatch.apply(null, json("{\"a\":1,\"b\":null}"))).isEqualTo(json("{\"a\":1}"));
		JsonNode target = json("{\"a\":{\"b\":1}}");
		MergePatch.apply(target, json("{\"a\":{\"b\":2}}"));
		assertThat(target).isEqualTo(json("{\"a\":{\"b\":1}}"));
	}

	private static void assertMerged(String target, String patch, String result) {
		assertThat(MergePatch.apply(json(target), json(patch))).isEqualTo(json(result));
	}

	private static JsonNode json(String text) {
		return RestJson.JSON.readTree(text);
	}

}
