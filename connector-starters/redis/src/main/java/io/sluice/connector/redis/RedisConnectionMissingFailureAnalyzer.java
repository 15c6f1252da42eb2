package io.sluice.connector.redis;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that chose a Redis connector without the means to reach Redis.
 */
final class RedisConnectionMissingFailureAnalyzer extends AbstractFailureAnalyzer<RedisConnectionMissingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisConnectionMissingException cause) {
		String chosenBy = String.join(" and ", cause.choosingProperties());
		String description = chosenBy + " chose the Redis connector, but "
				+ (cause.libraryMissing() ? "Spring Data Redis (org.springframework.data:spring-data-redis) is not on "
						+ "the class path."
						: "no ReactiveRedisConnectionFactory bean exists: Spring Boot creates one from "
								+ "spring.data.redis.* only when Lettuce (io.lettuce:lettuce-core) is on the class "
								+ "path and its Redis auto-configuration is not excluded.");
		String action = "Add org.springframework.boot:spring-boot-starter-data-redis (it brings Spring Data Redis "
				+ "and Lettuce) and point spring.data.redis.host and spring.data.redis.port (or spring.data.redis.url) "
				+ "at your Redis; or choose another connector with " + chosenBy.replace("=redis", "=memory") + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
