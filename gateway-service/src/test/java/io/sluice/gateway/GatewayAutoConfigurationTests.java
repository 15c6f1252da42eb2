package io.sluice.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;
import io.sluice.gateway.cluster.ClusterMembership;
import io.sluice.gateway.cluster.ClusterProperties;
import io.sluice.gateway.permission.PermissionAction;
import io.sluice.gateway.permission.PermissionFileWatcher;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.session.ConnectionLimits;
import io.sluice.gateway.session.GatewayProperties;
import io.sluice.gateway.session.GatewayRoute;
import io.sluice.gateway.session.MessageGate;
import io.sluice.record.write.RecordServiceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(MemoryConnectorAutoConfiguration.class, RecordServiceAutoConfiguration.class,
					GatewayAutoConfiguration.class));

	@Test
	void servesTheEndpointAtTheDefaultPath() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(GatewayRoute.class);
			GatewayProperties properties = context.getBean(GatewayProperties.class);
			assertThat(properties.path()).isEqualTo("/deepstream");
			assertThat(properties.outboundBudget()).isEqualTo(DataSize.ofMegabytes(1));
			assertThat(properties.outboundLimit()).isEqualTo(DataSize.ofMegabytes(16));
			assertThat(properties.stallTimeout()).isEqualTo(Duration.ofSeconds(10));
		});
	}

	@Test
	void badPathStopsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("sluice.gateway.path=deepstream").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("sluice.gateway.path");
		});
	}

	@Test
	void anAllowedOriginThatIsNotAnOriginStopsStartUpNamingIt() {
		this.runner.withPropertyValues("sluice.gateway.allowed-origins=https://app.example.com,app.example.com")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("sluice.gateway.allowed-origins: 'app.example.com' is not an origin");
			});
	}

	@Test
	void connectionLimitsAreBoundBesideTheOtherGatewaySettingsAndCheckedNamingThem() {
		this.runner.withPropertyValues("sluice.gateway.max-connections=10", "sluice.gateway.path=/ds")
			.run((context) -> {
				assertThat(context.getBean(ConnectionLimits.class).maxConnections()).isEqualTo(10);
				assertThat(context.getBean(GatewayProperties.class).path()).isEqualTo("/ds");
			});
		this.runner.withPropertyValues("sluice.gateway.max-connections-per-address=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sluice.gateway.max-connections-per-address must be 0 (no limit) or more");
		});
	}

	@Test
	void anOutboundLimitBelowTheBudgetStopsStartUpNamingBoth() {
		this.runner.withPropertyValues("sluice.gateway.outbound-budget=4MB", "sluice.gateway.outbound-limit=1MB")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("sluice.gateway.outbound-limit must be at least sluice.gateway.outbound-budget");
			});
	}

	@Test
	void rpcAndPresenceShareOneClusterMembership() {
		this.runner.withPropertyValues("sluice.cluster.heartbeat-interval=2s").run((context) -> {
			assertThat(context).hasSingleBean(ClusterMembership.class);
			assertThat(context.getBean(ClusterProperties.class))
				.isEqualTo(new ClusterProperties(Duration.ofSeconds(2), 3, Duration.ofSeconds(10)));
		});
	}

	@Test
	void aReplacedResyncIntervalStopsStartUpNamingTheNewProperties() {
		for (String replaced : List.of("sluice.rpc.resync-interval=5s", "sluice.presence.resync-interval=5s")) {
			this.runner.withPropertyValues(replaced).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageStartingWith(replaced.substring(0, replaced.indexOf('=')) + " was replaced by")
					.hasMessageContaining("sluice.cluster.resync-interval");
			});
		}
	}

	@Test
	void openPermissionsPutNoCheckInTheWay() {
		this.runner.run((context) -> {
			// What the gateway's users ask for: none, so messages take no detour.
			assertThat(context.getBeanProvider(MessageGate.class).getIfAvailable()).isNull();
			assertThat(context.getBeanProvider(Permissions.class).getIfAvailable()).isNull();
			assertThat(context.getBeansOfType(MessageGate.class)).isEmpty();
		});
	}

	@Test
	void aPermissionFileIsLoadedAndChecked(@TempDir Path directory) throws IOException {
		Path file = Files.writeString(directory.resolve("permissions.yml"), """
				record: { "*": { read: true } }
				event: { "*": { publish: "data.ok === true" } }
				rpc: { "*": { request: true } }
				presence: { "*": { allow: true } }
				""");
		this.runner.withPropertyValues("sluice.permission.type=config", "sluice.permission.file=" + file)
			.run((context) -> {
				assertThat(context).hasSingleBean(MessageGate.class);
				assertThat(context.getBean(PermissionFileWatcher.class).get()
					.find(PermissionAction.EVENT_PUBLISH, "any").rule()).hasToString("data.ok === true");
			});
	}

	@Test
	void aBadPermissionFileStopsStartUpNamingThePropertyAndTheRule(@TempDir Path directory) throws IOException {
		Path file = Files.writeString(directory.resolve("permissions.yml"), """
				record: { "*": { read: true }, "users/$id": { write: "user.id === $userId" } }
				event: { "*": { publish: true } }
				rpc: { "*": { request: true } }
				presence: { "*": { allow: true } }
				""");
		this.runner.withPropertyValues("sluice.permission.type=config", "sluice.permission.file=" + file)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("Permission file " + file)
					.hasMessageContaining("record \"users/$id\" write: the rule uses $userId");
				assertThat(context.getStartupFailure()).hasMessageContaining("sluice.permission.file");
			});
	}

	@Test
	void configPermissionsWithoutAFileOrWithTooFewIterationsStopStartUp() {
		this.runner.withPropertyValues("sluice.permission.type=config").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("sluice.permission.file must name");
		});
		this.runner.withPropertyValues("sluice.permission.max-rule-iterations=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sluice.permission.max-rule-iterations must be at least 1, was 0");
		});
	}

	@Test
	void withoutARecordServiceTheContextFailsToStart() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GatewayAutoConfiguration.class))
			.run((context) -> assertThat(context).hasFailed());
	}

}
