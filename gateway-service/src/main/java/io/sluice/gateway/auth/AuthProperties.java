package io.sluice.gateway.auth;

import java.util.HashSet;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which authentication strategies the gateway uses.
 *
 * @param type one strategy, or several in order ({@code file,jwt}) as deepstream's list of {@code auth} entries: the
 *     first to accept a login wins, a refusal passes it to the next. {@code open} (everyone is let in),
 *     {@code webhook} (an HTTP service decides, see {@link WebhookProperties}), {@code file} (a users file, see
 *     {@link UsersFileProperties}), {@code jwt} (a signed token, see {@link JwtProperties})
 */
@ConfigurationProperties("sluice.auth")
public record AuthProperties(@DefaultValue("open") List<Type> type) {

	public AuthProperties {
		type = (type != null) ? List.copyOf(type) : List.of();
		if (type.isEmpty()) {
			throw new IllegalArgumentException("sluice.auth.type must name at least one of " + List.of(Type.values()));
		}
		if (new HashSet<>(type).size() != type.size()) {
			throw new IllegalArgumentException("sluice.auth.type names a strategy twice: " + type);
		}
		if (type.indexOf(Type.OPEN) >= 0 && type.indexOf(Type.OPEN) != type.size() - 1) {
			throw new IllegalArgumentException(
					"sluice.auth.type: open lets everyone in, so the strategies after it would never be asked: " + type);
		}
	}

	public enum Type {

		OPEN, WEBHOOK, FILE, JWT

	}

}
