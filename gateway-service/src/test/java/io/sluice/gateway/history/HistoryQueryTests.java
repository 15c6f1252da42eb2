package io.sluice.gateway.history;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The four shapes of a history query, as JSON and as query parameters, and what is wrong with the others. */
class HistoryQueryTests {

	@Test
	void eachShapeIsReadFromJson() {
		assertThat(json("{\"name\":\"chat/a\",\"last\":10}")).isEqualTo(new HistoryQuery.Last("chat/a", 10));
		assertThat(json("{\"name\":\"chat/a\",\"from\":5}")).isEqualTo(new HistoryQuery.From("chat/a", 5, null));
		assertThat(json("{\"name\":\"chat/a\",\"from\":5,\"to\":7}")).isEqualTo(new HistoryQuery.From("chat/a", 5, 7L));
		assertThat(json("{\"name\":\"chat/a\",\"since\":\"2026-01-31T12:00:00Z\"}"))
			.isEqualTo(new HistoryQuery.Since("chat/a", Instant.parse("2026-01-31T12:00:00Z")));
		assertThat(json("{\"name\":\"chat/a\",\"since\":1000}"))
			.isEqualTo(new HistoryQuery.Since("chat/a", Instant.ofEpochMilli(1000)));
	}

	@Test
	void eachShapeIsReadFromParameters() {
		assertThat(HistoryQuery.fromParameters("chat/a", Map.of("last", "3"))).isEqualTo(new HistoryQuery.Last("chat/a", 3));
		assertThat(HistoryQuery.fromParameters("chat/a", Map.of("from", "2", "to", "4")))
			.isEqualTo(new HistoryQuery.From("chat/a", 2, 4L));
		assertThat(HistoryQuery.fromParameters("chat/a", Map.of("since", "2026-01-31T12:00:00.5Z")))
			.isEqualTo(new HistoryQuery.Since("chat/a", Instant.parse("2026-01-31T12:00:00.5Z")));
		assertThat(HistoryQuery.fromParameters("chat/a", Map.of("since", "1500")))
			.isEqualTo(new HistoryQuery.Since("chat/a", Instant.ofEpochMilli(1500)));
	}

	@Test
	void aQueryOfNoShapeSaysWhatIsWrong() {
		assertInvalid(null, "is a JSON object");
		assertInvalid("[1]", "is a JSON object");
		assertInvalid("{\"name\":", "this is not JSON");
		assertInvalid("{\"last\":1}", "needs the event's name");
		assertInvalid("{\"name\":\"a\"}", "exactly one of last, from or since, had 0");
		assertInvalid("{\"name\":\"a\",\"last\":1,\"from\":1}", "exactly one of last, from or since, had 2");
		assertInvalid("{\"name\":\"a\",\"last\":0}", "'last' must be at least 1");
		assertInvalid("{\"name\":\"a\",\"last\":1.5}", "'last' must be a whole number");
		assertInvalid("{\"name\":\"a\",\"from\":-1}", "'from' must not be negative");
		assertInvalid("{\"name\":\"a\",\"from\":5,\"to\":4}", "'to' (4) is before its 'from' (5)");
		assertInvalid("{\"name\":\"a\",\"last\":1,\"to\":4}", "'to' goes with a 'from'");
		assertInvalid("{\"name\":\"a\",\"since\":\"yesterday\"}", "'since' is a time");
		assertInvalid("{\"name\":\"a\",\"form\":1}", "has no 'form'");
		assertThatExceptionOfType(HistoryException.class)
			.isThrownBy(() -> HistoryQuery.fromParameters("a", Map.of("last", "ten")))
			.withMessageContaining("'last' must be a whole number, was 'ten'");
	}

	private static void assertInvalid(String json, String message) {
		assertThatExceptionOfType(HistoryException.class)
			.isThrownBy(() -> HistoryQuery.fromJson((json != null) ? json.getBytes(StandardCharsets.UTF_8) : null))
			.withMessageContaining(message)
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(HistoryException.Kind.INVALID));
	}

	private static HistoryQuery json(String json) {
		return HistoryQuery.fromJson(json.getBytes(StandardCharsets.UTF_8));
	}

}
