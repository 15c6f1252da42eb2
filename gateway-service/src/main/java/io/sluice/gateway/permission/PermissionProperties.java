package io.sluice.gateway.permission;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What clients may do, checked when bound so that a bad value stops start-up with a message naming it.
 *
 * @param type {@code open} (every logged-in client may do anything) or {@code config} (the rules of
 *     {@code file}, in deepstream's Valve format)
 * @param file the permission file, YAML or JSON (by its extension); needed with {@code config}
 * @param maxRuleIterations how many records one rule may read with {@code _()} (deepstream's
 *     {@code maxRuleIterations})
 * @param reloadInterval how often the file is checked for changes; a changed valid file takes effect at once, an
 *     invalid one is refused (the reason logged) and the rules in force stay
 */
@ConfigurationProperties("sluice.permission")
public record PermissionProperties(@DefaultValue("open") Type type, Path file,
		@DefaultValue("3") int maxRuleIterations, @DefaultValue("2s") Duration reloadInterval) {

	public enum Type {

		OPEN, CONFIG

	}

	public PermissionProperties {
		if (type == Type.CONFIG && file == null) {
			throw new IllegalArgumentException(
					"sluice.permission.file must name the permission file when sluice.permission.type is config");
		}
		if (maxRuleIterations < 1) {
			throw new IllegalArgumentException(
					"sluice.permission.max-rule-iterations must be at least 1, was " + maxRuleIterations);
		}
		if (reloadInterval == null || reloadInterval.isNegative() || reloadInterval.isZero()) {
			throw new IllegalArgumentException(
					"sluice.permission.reload-interval must be positive, was " + reloadInterval);
		}
	}

}
