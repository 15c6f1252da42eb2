package io.sluice.gateway.permission;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.record.RecordService;

/**
 * The permission check named by {@code sluice.permission.type}: with {@code open} (the default) there is none at
 * all, so messages take no detour; with {@code config} the rules of {@code sluice.permission.file}. Imported by the
 * gateway's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PermissionProperties.class)
public class PermissionConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(PermissionConfiguration.class);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "sluice.permission.type", havingValue = "open", matchIfMissing = true)
	static class Open {

		Open() {
			logger.info("Permissions: open (every logged-in client may do anything)");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "sluice.permission.type", havingValue = "config")
	static class Config {

		@Bean
		PermissionFileWatcher permissionRules(PermissionProperties properties) {
			try {
				return new PermissionFileWatcher(properties.file(), properties.reloadInterval());
			}
			catch (InvalidPermissionsException ex) {
				throw new IllegalStateException("sluice.permission.file: " + ex.getMessage(), ex);
			}
		}

		@Bean
		Permissions permissions(PermissionFileWatcher rules, RecordService records, PermissionProperties properties) {
			return new Permissions(rules, records, properties.maxRuleIterations(), Clock.systemUTC());
		}

		@Bean
		PermissionGate permissionGate(Permissions permissions) {
			return new PermissionGate(permissions);
		}

	}

}
