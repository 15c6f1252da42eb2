package io.sluice.gateway.history;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.sluice.connector.Retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code sluice.history.*} as bound: defaults, and a bad value named in the failure. */
class HistoryPropertiesTests {

	@Test
	void noNameKeepsHistoryByDefault() {
		HistoryProperties properties = bind(Map.of());

		assertThat(properties.streams()).isEmpty();
		assertThat(properties.maxRead()).isEqualTo(1000);
		assertThat(new HistoryStreams(properties).retention("chat/lobby")).isNull();
	}

	@Test
	void aStreamTakesItsPatternAndRetentionWithDefaults() {
		HistoryProperties properties = bind(Map.of("sluice.history.streams[0].pattern", "chat/.*",
				"sluice.history.streams[0].max-age", "1h", "sluice.history.streams[1].pattern", "audit/.*",
				"sluice.history.streams[1].max-entries", "5"));

		assertThat(properties.streams().get(0).retention()).isEqualTo(new Retention(1000, Duration.ofHours(1)));
		assertThat(properties.streams().get(1).retention()).isEqualTo(Retention.entries(5));
	}

	@Test
	void aBadValueStopsBindingNamingTheProperty() {
		assertFailure(Map.of("sluice.history.streams[0].max-entries", "3"), "sluice.history.streams[0].pattern is required");
		assertFailure(Map.of("sluice.history.streams[0].pattern", "ok/.*", "sluice.history.streams[1].pattern", "chat/(.*"),
				"sluice.history.streams[1].pattern is not a regular expression");
		assertFailure(Map.of("sluice.history.streams[0].pattern", "a", "sluice.history.streams[0].max-entries", "0"),
				"sluice.history.streams[0].max-entries must be at least 1, was 0");
		assertFailure(Map.of("sluice.history.streams[0].pattern", "a", "sluice.history.streams[0].max-age", "-1s"),
				"sluice.history.streams[0].max-age must be positive");
		assertFailure(Map.of("sluice.history.max-read", "0"), "sluice.history.max-read must be at least 1");
	}

	private static void assertFailure(Map<String, String> values, String message) {
		assertThatExceptionOfType(BindException.class).isThrownBy(() -> bind(values))
			.havingRootCause().withMessageContaining(message);
	}

	private static HistoryProperties bind(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("sluice.history",
				HistoryProperties.class);
	}

}
