package io.sluice.connector.redis;

import java.util.List;

/**
 * A Redis connector was chosen, but there is nothing to reach Redis with: Spring Data Redis is not on the class
 * path, or no {@code ReactiveRedisConnectionFactory} was created (Lettuce missing, or auto-configuration
 * excluded).
 */
final class RedisConnectionMissingException extends RuntimeException {

	private final List<String> choosingProperties;

	private final boolean libraryMissing;

	RedisConnectionMissingException(List<String> choosingProperties, boolean libraryMissing) {
		super(String.join(" and ", choosingProperties) + " chose the Redis connector, but "
				+ (libraryMissing ? "Spring Data Redis is not on the class path"
						: "there is no ReactiveRedisConnectionFactory"));
		this.choosingProperties = List.copyOf(choosingProperties);
		this.libraryMissing = libraryMissing;
	}

	/** The properties that chose the Redis connector, such as {@code sluice.cache.type=redis}. */
	List<String> choosingProperties() {
		return this.choosingProperties;
	}

	/** Whether Spring Data Redis itself is missing, rather than only a connection factory. */
	boolean libraryMissing() {
		return this.libraryMissing;
	}

}
