package io.sluice.gateway.auth;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The HTTP authentication webhook, as deepstream's {@code http} authentication calls it: a POST of
 * {@code {connectionData, authData}} per login.
 *
 * @param url where logins are posted (http or https); required
 * @param permittedStatuses the statuses that let the client in (deepstream's {@code permittedStatusCodes})
 * @param retryStatuses the statuses after which the request is sent again, say while the service is being
 *     deployed; a request that fails or times out is retried too
 * @param retryAttempts how many times a request is retried before the login is refused
 * @param retryInterval the pause before each retry
 * @param requestTimeout how long one request may take, connecting included
 * @param promoteToHeader fields of the auth data also sent as request headers of the same name, for services that
 *     authenticate in a filter
 */
@ConfigurationProperties("sluice.auth.webhook")
public record WebhookProperties(URI url, @DefaultValue("200") List<Integer> permittedStatuses,
		@DefaultValue({ "502", "503", "504" }) List<Integer> retryStatuses, @DefaultValue("3") int retryAttempts,
		@DefaultValue("1s") Duration retryInterval, @DefaultValue("2s") Duration requestTimeout,
		@DefaultValue("") List<String> promoteToHeader) {

	public WebhookProperties {
		if (url == null || url.getHost() == null
				|| !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
			throw new IllegalArgumentException(
					"sluice.auth.webhook.url must be an http or https URL when sluice.auth.type=webhook, was " + url);
		}
		permittedStatuses = List.copyOf(permittedStatuses);
		retryStatuses = List.copyOf(retryStatuses);
		promoteToHeader = (promoteToHeader != null) ? promoteToHeader.stream().filter((name) -> !name.isBlank()).toList()
				: List.of();
		if (permittedStatuses.isEmpty()) {
			throw new IllegalArgumentException("sluice.auth.webhook.permitted-statuses must not be empty");
		}
		if (retryAttempts < 0) {
			throw new IllegalArgumentException("sluice.auth.webhook.retry-attempts must not be negative");
		}
		if (retryInterval == null || retryInterval.isNegative()) {
			throw new IllegalArgumentException("sluice.auth.webhook.retry-interval must not be negative");
		}
		if (requestTimeout == null || requestTimeout.isZero() || requestTimeout.isNegative()) {
			throw new IllegalArgumentException("sluice.auth.webhook.request-timeout must be positive");
		}
	}

	/** The defaults for {@code url}. */
	public static WebhookProperties of(URI url) {
		return new WebhookProperties(url, List.of(200), List.of(502, 503, 504), 3, Duration.ofSeconds(1),
				Duration.ofSeconds(2), List.of());
	}

}
