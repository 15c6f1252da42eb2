package io.sluice.gateway.permission;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
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

	// The choice is made here, when the beans are created, rather than by conditions: a condition is evaluated once
	// at build time for a start that uses the ahead-of-time processed configuration (AheadOfTimeStart), so a
	// permission file would otherwise cost every start that uses one the slower, ordinary way. With open permissions
	// each bean below is null (Spring's null bean): their users ask for them through ObjectProvider.getIfAvailable
	// and get none, so messages take no detour.

	@Bean
	PermissionFileWatcher permissionRules(PermissionProperties properties) {
		if (properties.type() == PermissionProperties.Type.OPEN) {
			logger.info("Permissions: open (every logged-in client may do anything)");
			return null;
		}
		try {
			return new PermissionFileWatcher(properties.file(), properties.reloadInterval());
		}
		catch (InvalidPermissionsException ex) {
			throw new IllegalStateException("sluice.permission.file: " + ex.getMessage(), ex);
		}
	}

	@Bean
	Permissions permissions(ObjectProvider<PermissionFileWatcher> rules, RecordService records,
			PermissionProperties properties) {
		PermissionFileWatcher watcher = rules.getIfAvailable();
		return (watcher != null)
				? new Permissions(watcher, records, properties.maxRuleIterations(), Clock.systemUTC()) : null;
	}

	@Bean
	PermissionGate permissionGate(ObjectProvider<Permissions> permissions) {
		Permissions checked = permissions.getIfAvailable();
		return (checked != null) ? new PermissionGate(checked) : null;
	}

}
