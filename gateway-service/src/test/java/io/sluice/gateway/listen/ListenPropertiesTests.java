package io.sluice.gateway.listen;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ListenPropertiesTests {

	@Test
	void defaultsAreDeepstreams() {
		ListenProperties properties = bind(Map.of());
		assertThat(properties).isEqualTo(ListenProperties.defaults());
		assertThat(properties.responseTimeout()).isEqualTo(Duration.ofMillis(500));
		assertThat(properties.shuffleListeners()).isTrue();
		assertThat(properties.rematchInterval()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.matchCooldown()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void durationsBindWithUnits() {
		ListenProperties properties = bind(Map.of("sluice.listen.response-timeout", "250ms",
				"sluice.listen.shuffle-listeners", "false", "sluice.listen.rematch-interval", "2m",
				"sluice.listen.match-cooldown", "0s"));
		assertThat(properties).isEqualTo(
				new ListenProperties(Duration.ofMillis(250), false, Duration.ofMinutes(2), Duration.ZERO));
	}

	@Test
	void aBadValueIsRefusedNamingTheProperty() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("sluice.listen.response-timeout", "0s")))
			.havingRootCause()
			.withMessageContaining("sluice.listen.response-timeout must be positive");
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("sluice.listen.match-cooldown", "-1s")))
			.havingRootCause()
			.withMessageContaining("sluice.listen.match-cooldown must not be negative");
	}

	private static ListenProperties bind(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("sluice.listen",
				ListenProperties.class);
	}

}
