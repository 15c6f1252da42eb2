package io.sluice.connector.kafka;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether the Kafka cluster answers: UP with its id and how many brokers it has when a describe-cluster request
 * returns within the timeout, DOWN with the error otherwise. Spring Boot has no Kafka health indicator of its own.
 * The check never blocks: it waits on the admin client's futures, which complete on the client's own thread.
 */
public final class KafkaHealthIndicator extends AbstractReactiveHealthIndicator implements AutoCloseable {

	private final Admin admin;

	private final Duration timeout;

	/** Checks with an admin client made from {@code adminConfig}, which it owns and closes. */
	public KafkaHealthIndicator(Map<String, Object> adminConfig, Duration timeout) {
		this(Admin.create(adminConfig), timeout);
	}

	KafkaHealthIndicator(Admin admin, Duration timeout) {
		super("Kafka health check failed");
		this.admin = admin;
		this.timeout = timeout;
	}

	@Override
	protected Mono<Health> doHealthCheck(Health.Builder builder) {
		return Mono.defer(() -> {
			DescribeClusterResult cluster = this.admin
				.describeCluster(new DescribeClusterOptions().timeoutMs((int) this.timeout.toMillis()));
			return Mono.fromCompletionStage(cluster.clusterId().toCompletionStage())
				.zipWith(Mono.fromCompletionStage(cluster.nodes().toCompletionStage()));
		})
			.map((answer) -> builder.up()
				.withDetail("clusterId", String.valueOf(answer.getT1()))
				.withDetail("brokers", answer.getT2().size())
				.build())
			// The admin client's own timeout should end the request first; this one is the backstop.
			.timeout(this.timeout.plusSeconds(1));
	}

	@Override
	public void close() {
		this.admin.close(Duration.ofSeconds(5));
	}

}
