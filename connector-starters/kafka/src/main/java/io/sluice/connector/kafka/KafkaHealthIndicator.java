package io.sluice.connector.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

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
 *
 * <p>A health request is answered within {@code answerWithin} once a first check has ended: a broker that went away
 * makes the next check wait for the whole timeout, and until it ends, requests are answered with the last result,
 * marked {@code checking}. Health and readiness probes so get their answer in time, and see the new state once the
 * check has decided it. One check runs at a time, however many requests ask.
 */
public final class KafkaHealthIndicator extends AbstractReactiveHealthIndicator implements AutoCloseable {

	private final Admin admin;

	private final Duration timeout;

	private final Duration answerWithin;

	/** The check in progress, shared by the requests that come while it runs; {@code null} between checks. */
	private final AtomicReference<Mono<Health>> running = new AtomicReference<>();

	/** The last check's result; {@code null} before the first ended. */
	private volatile Health last;

	/** Checks with an admin client made from {@code adminConfig}, which it owns and closes. */
	public KafkaHealthIndicator(Map<String, Object> adminConfig, Duration timeout, Duration answerWithin) {
		this(Admin.create(adminConfig), timeout, answerWithin);
	}

	KafkaHealthIndicator(Admin admin, Duration timeout, Duration answerWithin) {
		super("Kafka health check failed");
		this.admin = admin;
		this.timeout = timeout;
		this.answerWithin = answerWithin;
	}

	@Override
	protected Mono<Health> doHealthCheck(Health.Builder builder) {
		Mono<Health> check = this.running.get();
		if (check == null) {
			Mono<Health> started = check().doFinally((signal) -> this.running.set(null)).cache();
			check = this.running.compareAndSet(null, started) ? started : this.running.get();
			if (check == null) {
				check = started;
			}
			check.subscribe();
		}
		Health previous = this.last;
		if (previous == null) {
			return check;
		}
		return check.timeout(this.answerWithin,
				Mono.fromSupplier(() -> Health.status(previous.getStatus())
					.withDetails(previous.getDetails())
					.withDetail("checking", true)
					.build()));
	}

	/** One describe-cluster request, its result kept as the last; never fails: a failure is DOWN. */
	private Mono<Health> check() {
		return Mono.defer(() -> {
			DescribeClusterResult cluster = this.admin
				.describeCluster(new DescribeClusterOptions().timeoutMs((int) this.timeout.toMillis()));
			return Mono.fromCompletionStage(cluster.clusterId().toCompletionStage())
				.zipWith(Mono.fromCompletionStage(cluster.nodes().toCompletionStage()));
		})
			.map((answer) -> Health.up()
				.withDetail("clusterId", String.valueOf(answer.getT1()))
				.withDetail("brokers", answer.getT2().size())
				.build())
			// The admin client's own timeout should end the request first; this one is the backstop.
			.timeout(this.timeout.plusSeconds(1))
			.onErrorResume((ex) -> Mono.just(Health.down(ex).build()))
			.doOnNext((health) -> this.last = health);
	}

	@Override
	public void close() {
		this.admin.close(Duration.ofSeconds(5));
	}

}
