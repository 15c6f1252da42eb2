package io.sluice.gateway.cluster;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClusterPropertiesTests {

	@Test
	void aNodeExpiresAfterItsMissedHeartbeats() {
		assertThat(ClusterProperties.defaults().expiry()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void badValuesAreRefusedNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClusterProperties(Duration.ZERO, 3, Duration.ofSeconds(10)))
			.withMessageStartingWith("sluice.cluster.heartbeat-interval must be a positive duration");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClusterProperties(Duration.ofSeconds(1), 0, Duration.ofSeconds(10)))
			.withMessage("sluice.cluster.missed-heartbeats must be at least 1, was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClusterProperties(Duration.ofSeconds(1), 3, Duration.ofSeconds(-1)))
			.withMessageStartingWith("sluice.cluster.resync-interval must be a positive duration");
	}

}
