package io.sluice.gateway.auth;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The {@link Authenticator} named by {@code sluice.auth.type} (several make a {@link ChainAuthenticator}), unless the
 * application defines its own. Each strategy's properties are bound, and checked, only when it is named. Imported by
 * the gateway's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
public class AuthConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(AuthConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(Authenticator.class)
	Authenticator authenticator(AuthProperties properties, Environment environment) {
		Binder binder = Binder.get(environment);
		List<Authenticator> strategies = new ArrayList<>();
		for (AuthProperties.Type type : properties.type()) {
			strategies.add(switch (type) {
				case OPEN -> {
					logger.info("Authentication: open (everyone is let in)");
					yield new OpenAuthenticator();
				}
				case WEBHOOK -> {
					WebhookProperties webhook = binder.bindOrCreate("sluice.auth.webhook", WebhookProperties.class);
					logger.info("Authentication: webhook {}", LoggedUrl.of(webhook.url()));
					yield new WebhookAuthenticator(webhook);
				}
				case FILE -> new FileAuthenticator(binder.bindOrCreate("sluice.auth.file", UsersFileProperties.class));
				case JWT -> new JwtAuthenticator(binder.bindOrCreate("sluice.auth.jwt", JwtProperties.class));
			});
		}
		return (strategies.size() == 1) ? strategies.get(0) : new ChainAuthenticator(strategies);
	}

}
