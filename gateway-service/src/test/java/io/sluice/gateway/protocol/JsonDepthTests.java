package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonDepthTests {

	@Test
	void nestingUpToTheLimitPassesAndOneLevelMoreDoesNot() {
		assertThat(JsonDepth.exceeds(utf8("[".repeat(3) + "]".repeat(3)), 3)).isFalse();
		assertThat(JsonDepth.exceeds(utf8("{\"a\":[{\"b\":[1]}]}"), 3)).isTrue();
		assertThat(JsonDepth.exceeds(utf8("[[[[]]]]"), 3)).isTrue();
	}

	@Test
	void bracketsInsideStringsDoNotCount() {
		assertThat(JsonDepth.exceeds(utf8("[\"[[[[\\\"[[[[\"]"), 2)).isFalse();
	}

	@Test
	void textShorterThanTheLimitIsWithinIt() {
		assertThat(JsonDepth.exceeds(utf8("[["), 2)).isFalse();
		assertThat(JsonDepth.exceeds(utf8("[[["), 2)).isTrue();
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
