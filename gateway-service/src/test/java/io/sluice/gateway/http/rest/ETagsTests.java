package io.sluice.gateway.http.rest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ETagsTests {

	@Test
	void aVersionIsAQuotedStrongTag() {
		assertThat(ETags.of(7)).isEqualTo("\"7\"");
		assertThat(ETags.ifMatch("\"7\"")).isEqualTo(7L);
		assertThat(ETags.ifMatch(" \"0\" ")).isZero();
		assertThat(ETags.ifMatch(null)).isNull();
	}

	@Test
	void ifMatchTakesOneStrongVersionOnly() {
		for (String bad : new String[] { "7", "W/\"7\"", "\"7\", \"8\"", "*", "\"-1\"", "\"x\"", "\"\"" }) {
			assertThatExceptionOfType(RestProblemException.class).as(bad)
				.isThrownBy(() -> ETags.ifMatch(bad))
				.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(RestProblem.INVALID_REQUEST));
		}
	}

	@Test
	void ifNoneMatchComparesWeaklyOverAListOrAnything() {
		assertThat(ETags.noneMatchHits("\"3\"", 3)).isTrue();
		assertThat(ETags.noneMatchHits("W/\"3\"", 3)).isTrue();
		assertThat(ETags.noneMatchHits("\"1\", \"3\"", 3)).isTrue();
		assertThat(ETags.noneMatchHits("*", 3)).isTrue();
		assertThat(ETags.noneMatchHits("\"2\"", 3)).isFalse();
		assertThat(ETags.noneMatchHits(null, 3)).isFalse();
	}

}
