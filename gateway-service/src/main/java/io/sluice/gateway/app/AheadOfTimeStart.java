package io.sluice.gateway.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.SpringProperties;

/**
 * Starts an application on the bean definitions that Spring's ahead-of-time processing generated when it was built,
 * when the configuration its conditions read is the one the build processed, and the ordinary way otherwise.
 *
 * <p>The processing evaluates every condition once, at build time, on the build's configuration (the embedded
 * defaults), and generates code that registers the beans they allowed: a start then skips parsing the configuration
 * classes and evaluating their conditions, which is most of what Spring does before it creates the first bean. A
 * start with another choice (a profile, {@code sluice.queue.type=kafka}, an actuator endpoint exposed) needs other
 * beans, so once the configuration is read, and before anything is created, {@link StartConditions} compares what
 * the conditions read with what the build recorded: on any difference the start goes on the ordinary way, and says
 * why in the log. {@code -Dspring.aot.enabled=true} or {@code false} decides without the comparison. The build's
 * training run ({@code -Dsluice.training-run=true}, {@link TrainingRun}) starts the same way.
 */
public final class AheadOfTimeStart {

	private static final Log logger = LogFactory.getLog(AheadOfTimeStart.class);

	private AheadOfTimeStart() {
	}

	/**
	 * Runs {@code application}, whose main class is {@code main}, with {@code args}, ahead-of-time processed where
	 * that applies.
	 */
	public static ConfigurableApplicationContext run(Class<?> main, SpringApplication application, String[] args) {
		if (System.getProperty(AotDetector.AOT_ENABLED) == null && !Boolean.getBoolean("spring.aot.processing")) {
			recorded(main).ifPresent(
					(conditions) -> application.addListeners(new ChooseStart(conditions)));
		}
		if (Boolean.getBoolean(TrainingRun.PROPERTY)) {
			application.addListeners(new TrainingRun());
		}
		return application.run(args);
	}

	/** The conditions the build recorded beside the code it generated for {@code main}, if it processed it. */
	static Optional<StartConditions> recorded(Class<?> main) {
		ClassLoader loader = main.getClassLoader();
		if (loader.getResource(main.getName().replace('.', '/') + "__ApplicationContextInitializer.class") == null) {
			return Optional.empty();
		}
		try (InputStream in = loader.getResourceAsStream(StartConditions.RESOURCE)) {
			return (in != null) ? Optional.of(StartConditions.read(in)) : Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + StartConditions.RESOURCE, ex);
		}
	}

	/**
	 * Chooses the start once the configuration is read: Spring Boot decides between the generated and the ordinary
	 * bean definitions only after this event, when it creates the application context.
	 */
	private static final class ChooseStart implements ApplicationListener<ApplicationEnvironmentPreparedEvent>,
			Ordered {

		private final StartConditions conditions;

		ChooseStart(StartConditions conditions) {
			this.conditions = conditions;
		}

		@Override
		public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
			Optional<String> difference = this.conditions.differenceFrom(event.getEnvironment());
			if (difference.isEmpty()) {
				SpringProperties.setFlag(AotDetector.AOT_ENABLED);
			}
			else {
				logger.info("Starting without the ahead-of-time processed configuration, which takes longer: "
						+ difference.get());
			}
		}

		@Override
		public int getOrder() {
			// After the configuration files are read (EnvironmentPostProcessorApplicationListener, highest + 10).
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}
