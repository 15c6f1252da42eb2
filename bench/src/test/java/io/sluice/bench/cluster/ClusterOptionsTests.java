package io.sluice.bench.cluster;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

class ClusterOptionsTests {

	@Test
	void portsDefaultAwayFromTheBenchmarkedServers() {
		ClusterOptions options = ClusterOptions.parse();
		assertThat(options.redisPort()).isEqualTo(6390);
		assertThat(options.postgresPort()).isEqualTo(6394);
		assertThat(options.propertiesFile()).isNull();
	}

	@Test
	void bothArgumentFormsAreRead() {
		ClusterOptions options = ClusterOptions.parse("--redis-port", "7001", "--postgres-port=7003",
				"--properties", "out/cluster.properties");
		assertThat(options).isEqualTo(new ClusterOptions(7001, 7003, Path.of("out/cluster.properties")));
	}

	@Test
	void springPropertiesPointSluiceServerAtEachServer() {
		ClusterOptions options = ClusterOptions.parse("--redis-port", "7001", "--postgres-port", "7003");
		assertThat(options.springProperties("127.0.0.1:7002")).containsExactly(
				entry("spring.data.redis.host", "127.0.0.1"), entry("spring.data.redis.port", "7001"),
				entry("spring.kafka.bootstrap-servers", "127.0.0.1:7002"),
				entry("spring.r2dbc.url", "r2dbc:postgresql://localhost:7003/postgres"),
				entry("spring.r2dbc.username", "postgres"), entry("spring.r2dbc.password", "postgres"));
	}

	@Test
	void badArgumentsAreNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> ClusterOptions.parse("--redis-port", "70000"))
			.withMessage("--redis-port must be a port between 1 and 65535, was 70000");
		assertThatIllegalArgumentException().isThrownBy(() -> ClusterOptions.parse("--postgres-port", "x"))
			.withMessage("--postgres-port must be a number, was 'x'");
		assertThatIllegalArgumentException().isThrownBy(() -> ClusterOptions.parse("--postgres-port", "6390"))
			.withMessageContaining("must differ");
		assertThatIllegalArgumentException().isThrownBy(() -> ClusterOptions.parse("--mongo-port", "1"))
			.withMessageStartingWith("Unknown arguments: [mongo-port]");
		assertThatIllegalArgumentException().isThrownBy(() -> ClusterOptions.parse("--redis-port"))
			.withMessage("No value for --redis-port");
	}

}
