package io.sluice.connector.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import io.sluice.connector.ConnectorChoice;

/**
 * Leaves out the auto-configurations of every connector technology that no {@code sluice.<port>.type} chooses, so
 * that a process on embedded defaults does not load, configure and start clients for Redis, Kafka or MongoDB only
 * because their starters are on the class path (they are, in {@code sluice-server} and in each deployable, so that a
 * profile can choose them).
 *
 * <p>Each starter describes itself in {@value #DESCRIPTOR}: {@code type}, the value of {@code sluice.<port>.type}
 * that chooses it, and {@code auto-configurations}, the ones (its own and Spring Boot's) that serve only that
 * technology. Leaving them out changes nothing a process does, since a starter's adapters are conditional on the
 * same properties; it saves the classes, conditions and beans (and, for Lettuce, the threads) they would cost at
 * start-up. It lives here because the memory starter is the one every deployable carries.
 *
 * <p>The choice is read through {@link ConnectorChoice#check}, so a value that names no adapter stops start-up here
 * too, where {@code ConnectorChoice}'s own check of the environment did not run (an application context started
 * without {@code SpringApplication}).
 */
public final class UnchosenConnectorFilter implements AutoConfigurationImportFilter, EnvironmentAware,
		BeanClassLoaderAware {

	/** Where a starter names its technology and the auto-configurations that serve only it. */
	static final String DESCRIPTOR = "META-INF/sluice/connector.properties";

	private Environment environment;

	private ClassLoader classLoader;

	private volatile Set<String> unchosen;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata autoConfigurationMetadata) {
		Set<String> leftOut = unchosen();
		boolean[] matches = new boolean[autoConfigurationClasses.length];
		for (int i = 0; i < autoConfigurationClasses.length; i++) {
			matches[i] = autoConfigurationClasses[i] == null || !leftOut.contains(autoConfigurationClasses[i]);
		}
		return matches;
	}

	private Set<String> unchosen() {
		Set<String> known = this.unchosen;
		if (known == null) {
			known = unchosen(chosenTypes(this.environment), this.classLoader);
			this.unchosen = known;
		}
		return known;
	}

	/** The values of {@code sluice.<port>.type} for the ports, set or not. */
	static Set<String> chosenTypes(Environment environment) {
		return ConnectorChoice.check(environment)
			.options()
			.stream()
			.map(ConnectorChoice.Option::value)
			.collect(Collectors.toSet());
	}

	/** The auto-configurations of the described technologies that are not among {@code chosen}. */
	static Set<String> unchosen(Set<String> chosen, ClassLoader classLoader) {
		Set<String> leftOut = new HashSet<>();
		try {
			for (URL descriptor : Collections.list(classLoader.getResources(DESCRIPTOR))) {
				Properties properties = new Properties();
				try (InputStream in = descriptor.openStream()) {
					properties.load(in);
				}
				String type = properties.getProperty("type", "").trim();
				if (type.isEmpty()) {
					throw new IllegalStateException(descriptor + " names no 'type'");
				}
				if (Arrays.stream(ConnectorChoice.Port.values()).noneMatch((port) -> port.option(type) != null)) {
					throw new IllegalStateException(descriptor + " names type '" + type + "', which no "
							+ "sluice.<port>.type takes");
				}
				if (!chosen.contains(type)) {
					for (String name : StringUtils
						.commaDelimitedListToStringArray(properties.getProperty("auto-configurations", ""))) {
						if (!name.isBlank()) {
							leftOut.add(name.trim());
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Reading the connector descriptors " + DESCRIPTOR + " failed", ex);
		}
		return leftOut;
	}

}
