package io.sluice.gateway.admin;

import java.time.Clock;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.sluice.gateway.cluster.ClusterMembership;
import io.sluice.gateway.event.EventHandler;
import io.sluice.gateway.metrics.NameSampler;
import io.sluice.gateway.record.RecordHandler;
import io.sluice.gateway.rpc.RpcHandler;
import io.sluice.gateway.session.GatewayRoute;

/**
 * The admin page, when {@code sluice.admin.enabled=true}: its routes, the sampler of busy names that the message path
 * feeds while it is on, and the connection counts the nodes tell each other.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sluice.admin.enabled")
@EnableConfigurationProperties(AdminProperties.class)
public final class AdminConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(AdminConfiguration.class);

	@Bean
	NameSampler adminNameSampler(AdminProperties properties) {
		return new NameSampler(properties.sampleEvery()).install();
	}

	@Bean
	NodeLoads adminNodeLoads(ClusterMembership membership, GatewayRoute route) {
		return new NodeLoads(membership, route::connectionCount);
	}

	@Bean
	AdminSnapshot adminSnapshot(ClusterMembership membership, GatewayRoute route, NodeLoads loads,
			NameSampler sampler, RpcHandler rpc, ObjectProvider<RecordHandler> records,
			ObjectProvider<EventHandler> events, ObjectProvider<AdminSnapshot.Meters> meters) {
		return new AdminSnapshot(new AdminSnapshot.Sources(membership, route::connectionCount, loads, sampler, rpc,
				records.getIfAvailable(), events.getIfAvailable(), meters.getIfAvailable(() -> AdminSnapshot.Meters.NONE)),
				Clock.systemUTC());
	}

	@Bean
	RouterFunction<ServerResponse> adminRoutes(AdminProperties properties, AdminSnapshot snapshot) {
		logger.info("Admin page at {}, for user {}", properties.path(), properties.username());
		return AdminRoutes.routes(properties, snapshot);
	}

	/** The storage queue's lag, read from the meters where the process has Micrometer and a storage worker. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static final class StorageMeters {

		@Bean
		AdminSnapshot.Meters adminStorageMeters(ObjectProvider<MeterRegistry> registries) {
			return (name) -> {
				MeterRegistry registry = registries.getIfAvailable();
				if (registry == null) {
					return null;
				}
				Double sum = null;
				for (Meter meter : registry.find(name).meters()) {
					for (Measurement measurement : meter.measure()) {
						if (measurement.getStatistic() == Statistic.VALUE && Double.isFinite(measurement.getValue())) {
							sum = ((sum != null) ? sum : 0) + measurement.getValue();
						}
					}
				}
				return sum;
			};
		}

	}

}
