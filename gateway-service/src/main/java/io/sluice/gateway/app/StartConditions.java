package io.sluice.gateway.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertyResolver;

/**
 * What the conditions of an application's configuration read from its environment, as one build saw it: the
 * properties its {@code @ConditionalOnProperty} conditions (and the connector choice) named, every property under
 * the prefixes whose conditions are not written as {@code @ConditionalOnProperty} (Spring Boot's {@code management.*}
 * endpoints and health indicators, excluded auto-configurations…), the web application type, the active profiles and
 * the cloud platform.
 *
 * <p>Spring's ahead-of-time processing evaluates the conditions once, at build time, and generates the bean
 * definitions they allowed; {@link AheadOfTimeStart} uses those definitions only when {@link #differenceFrom} finds
 * nothing that would make a condition decide otherwise at run time.
 *
 * @param properties property names and their values at build time; {@code null} for a property that was not set
 * @param prefixes the prefixes under which every property was recorded: any other property set under one differs
 * @param profiles the active profiles
 * @param cloudPlatform the cloud platform Spring Boot detected, {@code none} for none
 */
record StartConditions(Map<String, String> properties, List<String> prefixes, List<String> profiles,
		String cloudPlatform) {

	/** Where the build puts the conditions it processed, beside the generated code. */
	static final String RESOURCE = "META-INF/sluice/aot-start-conditions.properties";

	/**
	 * Prefixes read by conditions other than {@code @ConditionalOnProperty}, or by the application's set-up, whose
	 * every property is recorded.
	 */
	static final List<String> PREFIXES = List.of("management", "spring.autoconfigure", "spring.threads",
			"spring.jmx", "springdoc");

	/**
	 * Properties read by Spring Boot's start itself, or by conditions of its own kind, which decide what is
	 * registered.
	 */
	static final List<String> START_PROPERTIES = List.of("spring.main.web-application-type", "spring.main.sources",
			"spring.r2dbc.pool.enabled", "spring.sql.init.mode");

	private static final String R2DBC_URL = "spring.r2dbc.url";

	/**
	 * What conditions read of a property whose value itself does not matter to them: R2DBC's connection factory is
	 * embedded when no URL is set, and pooled by the URL when it names {@code :pool:}, so a database elsewhere
	 * (another H2 file, say) does not change the beans.
	 */
	private static final Map<String, Function<PropertyResolver, String>> FACTS = Map.of(
			"spring.r2dbc.url is set", (environment) -> String.valueOf(environment.containsProperty(R2DBC_URL)),
			"spring.r2dbc.url names a pool", (environment) -> String
				.valueOf(environment.getProperty(R2DBC_URL, "").contains(":pool:")));


	private static final String SET = "set.";

	private static final String FACT = "fact.";

	private static final String UNSET = "unset.";

	StartConditions {
		properties = new TreeMap<>(properties);
		prefixes = List.copyOf(prefixes);
		profiles = List.copyOf(profiles);
	}

	/** The conditions in {@code environment}: the values of {@code names}, and of every property under the prefixes. */
	static StartConditions of(ConfigurableEnvironment environment, Collection<String> names) {
		Map<String, String> properties = new TreeMap<>();
		for (String name : START_PROPERTIES) {
			properties.put(name, environment.getProperty(name));
		}
		for (String name : names) {
			if (!name.equals(R2DBC_URL)) {
				properties.put(name, environment.getProperty(name));
			}
		}
		properties.putAll(prefixed(environment));
		FACTS.forEach((fact, reader) -> properties.put(FACT + fact, reader.apply(environment)));
		return new StartConditions(properties, PREFIXES, Arrays.asList(environment.getActiveProfiles()),
				cloudPlatform(environment));
	}

	/**
	 * What in {@code environment} differs from these conditions, in words for the log: the first property, profile
	 * list or platform that does; empty when nothing does.
	 */
	Optional<String> differenceFrom(ConfigurableEnvironment environment) {
		List<String> active = Arrays.asList(environment.getActiveProfiles());
		if (!active.equals(this.profiles)) {
			return Optional.of("the active profiles are " + active + ", the build processed " + this.profiles);
		}
		for (Map.Entry<String, Function<PropertyResolver, String>> fact : FACTS.entrySet()) {
			String now = fact.getValue().apply(environment);
			if (!now.equals(this.properties.get(FACT + fact.getKey()))) {
				return Optional.of("'" + fact.getKey() + "' is " + now + ", the build processed the opposite");
			}
		}
		for (Map.Entry<String, String> property : this.properties.entrySet()) {
			if (property.getKey().startsWith(FACT)) {
				continue;
			}
			String now = environment.getProperty(property.getKey());
			if (!Objects.equals(now, property.getValue())) {
				return Optional.of(describe(property.getKey(), now, property.getValue()));
			}
		}
		if (!this.prefixes.equals(PREFIXES)) {
			return Optional.of("the build recorded the prefixes " + this.prefixes);
		}
		for (Map.Entry<String, String> property : prefixed(environment).entrySet()) {
			if (!this.properties.containsKey(property.getKey())) {
				return Optional.of(describe(property.getKey(), property.getValue(), null));
			}
		}
		String platform = cloudPlatform(environment);
		if (!platform.equals(this.cloudPlatform)) {
			return Optional.of("the cloud platform is " + platform + ", the build processed " + this.cloudPlatform);
		}
		return Optional.empty();
	}

	private static String describe(String name, String now, String built) {
		return name + " is " + ((now != null) ? "'" + now + "'" : "not set") + ", the build processed "
				+ ((built != null) ? "'" + built + "'" : "it not set");
	}

	/** Every property under {@link #PREFIXES}, by its canonical name, however it was set (file, variable, argument). */
	private static Map<String, String> prefixed(ConfigurableEnvironment environment) {
		List<ConfigurationPropertyName> prefixes = new ArrayList<>();
		for (String prefix : PREFIXES) {
			prefixes.add(ConfigurationPropertyName.of(prefix));
		}
		Map<String, String> found = new TreeMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter((name) -> prefixes.stream().anyMatch((prefix) -> prefix.isAncestorOf(name)))
					.map(ConfigurationPropertyName::toString)
					.forEach((name) -> found.put(name, environment.getProperty(name)));
			}
		}
		return found;
	}

	private static String cloudPlatform(ConfigurableEnvironment environment) {
		CloudPlatform platform = CloudPlatform.getActive(environment);
		return (platform != null) ? platform.name() : "none";
	}

	/** The conditions as a properties file. */
	String write() {
		Properties out = new Properties();
		this.properties.forEach((name, value) -> {
			if (value != null) {
				out.setProperty(SET + name, value);
			}
			else {
				out.setProperty(UNSET + name, "");
			}
		});
		out.setProperty("prefixes", String.join(",", this.prefixes));
		out.setProperty("profiles", String.join(",", this.profiles));
		out.setProperty("cloud-platform", this.cloudPlatform);
		StringWriter text = new StringWriter();
		try {
			out.store(text, "What the conditions read when the build processed this application ahead of time");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return text.toString();
	}

	/** Reads conditions {@link #write() written} by a build. */
	static StartConditions read(InputStream in) throws IOException {
		Properties file = new Properties();
		file.load(in);
		Map<String, String> properties = new TreeMap<>();
		for (String key : file.stringPropertyNames()) {
			if (key.startsWith(SET)) {
				properties.put(key.substring(SET.length()), file.getProperty(key));
			}
			else if (key.startsWith(UNSET)) {
				properties.put(key.substring(UNSET.length()), null);
			}
		}
		return new StartConditions(properties, list(file.getProperty("prefixes")), list(file.getProperty("profiles")),
				file.getProperty("cloud-platform", "none"));
	}

	private static List<String> list(String value) {
		return (value == null || value.isEmpty()) ? List.of() : List.of(value.split(","));
	}

}
