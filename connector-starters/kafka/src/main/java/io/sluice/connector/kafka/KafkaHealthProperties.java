package io.sluice.connector.kafka;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the Kafka health check ({@code sluice.kafka.health.*}).
 *
 * @param timeout how long the cluster may take to answer before the check reports DOWN
 * @param answerWithin how long a health request waits for a check in progress before it is answered with the last
 *     result (the first check is always waited for)
 */
@ConfigurationProperties("sluice.kafka.health")
public record KafkaHealthProperties(@DefaultValue("3s") Duration timeout, @DefaultValue("500ms") Duration answerWithin) {

	public KafkaHealthProperties {
		if (answerWithin == null || answerWithin.isNegative()) {
			throw new IllegalArgumentException(
					"sluice.kafka.health.answer-within must not be negative, was " + answerWithin);
		}
		if (timeout == null || timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"sluice.kafka.health.timeout must be between 1ms and " + Integer.MAX_VALUE + "ms, was " + timeout);
		}
	}

}
