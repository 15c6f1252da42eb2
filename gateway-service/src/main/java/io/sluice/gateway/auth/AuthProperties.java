package io.sluice.gateway.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which authentication strategy the gateway uses.
 *
 * @param type {@code open} (everyone is let in) or {@code webhook} (an HTTP service decides, see
 *     {@link WebhookProperties})
 */
@ConfigurationProperties("sluice.auth")
public record AuthProperties(@DefaultValue("open") Type type) {

	public enum Type {

		OPEN, WEBHOOK

	}

}
