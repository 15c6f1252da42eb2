package io.sluice.gateway.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link Authenticator} named by {@code sluice.auth.type}, unless the application defines its own. Imported by
 * the gateway's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
public class AuthConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(AuthConfiguration.class);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "sluice.auth.type", havingValue = "open", matchIfMissing = true)
	static class Open {

		@Bean
		@ConditionalOnMissingBean(Authenticator.class)
		Authenticator openAuthenticator() {
			logger.info("Authentication: open (everyone is let in)");
			return new OpenAuthenticator();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "sluice.auth.type", havingValue = "webhook")
	@EnableConfigurationProperties(WebhookProperties.class)
	static class Webhook {

		@Bean
		@ConditionalOnMissingBean(Authenticator.class)
		Authenticator webhookAuthenticator(WebhookProperties properties) {
			logger.info("Authentication: webhook {}", properties.url());
			return new WebhookAuthenticator(properties);
		}

	}

}
