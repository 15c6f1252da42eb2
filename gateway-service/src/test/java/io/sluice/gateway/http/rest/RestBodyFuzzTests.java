package io.sluice.gateway.http.rest;

import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST API on arbitrary JSON bodies: a body parses, or is refused with a problem ({@code invalid-json},
 * {@code json-too-deep}); a parsed body merges into a record as a JSON Merge Patch. Nothing else may escape, and a
 * nesting beyond the limit is refused before the parser sees it. The normal build replays the inputs committed
 * under {@code RestBodyFuzzTestsInputs}; {@code JAZZER_FUZZ=1} fuzzes (docs/reliability.md).
 */
class RestBodyFuzzTests {

	private static final JsonBodies BODIES = new JsonBodies(1024 * 1024, 32);

	private static final JsonNode RECORD = JsonNodeFactory.instance.objectNode().put("a", 1).put("b", "x");

	@FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
	void bodies(byte @NotNull [] body) {
		JsonBody parsed;
		try {
			parsed = BODIES.parse(body, MediaType.APPLICATION_JSON, List.of(MediaType.APPLICATION_JSON));
		}
		catch (RestProblemException ex) {
			assertThat(ex.getMessage()).isNotBlank();
			return;
		}
		assertThat(MergePatch.apply(RECORD, parsed.tree())).isNotNull();
	}

}
