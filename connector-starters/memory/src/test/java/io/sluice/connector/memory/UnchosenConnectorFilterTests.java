package io.sluice.connector.memory;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

import io.sluice.connector.ConnectorChoice;
import io.sluice.connector.UnknownConnectorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class UnchosenConnectorFilterTests {

	private static final String[] CANDIDATES = { "example.ExampleClientAutoConfiguration",
			"example.ExampleHealthAutoConfiguration", "other.OtherAutoConfiguration", null };

	@TempDir
	Path starter;

	@Test
	void autoConfigurationsOfATechnologyNoPortChoosesAreLeftOut() throws IOException {
		boolean[] matches = filter(new MockEnvironment().withProperty("sluice.cache.type", "memory")).match(CANDIDATES,
				null);

		assertThat(matches).containsExactly(false, false, true, true);
	}

	@Test
	void anyPortChoosingTheTechnologyKeepsItsAutoConfigurations() throws IOException {
		for (String property : List.of(ConnectorChoice.CACHE_TYPE, ConnectorChoice.BUS_TYPE,
				ConnectorChoice.HISTORY_TYPE)) {
			// Compared as the starters' conditions compare it: ignoring case.
			boolean[] matches = filter(new MockEnvironment().withProperty(property, "Redis")).match(CANDIDATES, null);

			assertThat(matches).as(property).containsExactly(true, true, true, true);
		}
	}

	@Test
	void aChoiceThatNamesNoAdapterStopsStartUpNamingThePropertyAndItsValues() throws IOException {
		UnchosenConnectorFilter filter = filter(new MockEnvironment().withProperty("sluice.bus.type", "rediss"));

		assertThatExceptionOfType(UnknownConnectorException.class).isThrownBy(() -> filter.match(CANDIDATES, null))
			.withMessage("sluice.bus.type is 'rediss', which names no message bus: it takes memory, redis, kafka");
	}

	@Test
	void aDescriptorWhoseTypeNoPortTakesStopsStartUpNamingTheFile() throws IOException {
		UnchosenConnectorFilter filter = filter(new MockEnvironment(), "type=example\nauto-configurations=example.X\n");

		assertThatIllegalStateException().isThrownBy(() -> filter.match(CANDIDATES, null))
			.withMessageContaining(UnchosenConnectorFilter.DESCRIPTOR)
			.withMessageContaining("names type 'example', which no sluice.<port>.type takes");
	}

	@Test
	void nothingChosenLeavesOutEveryDescribedTechnology() throws IOException {
		assertThat(filter(new MockEnvironment()).match(CANDIDATES, null)).containsExactly(false, false, true, true);
	}

	@Test
	void aDescriptorWithoutATypeStopsStartUpNamingTheFile() throws IOException {
		UnchosenConnectorFilter filter = filter(new MockEnvironment(), "auto-configurations=example.X\n");

		assertThatIllegalStateException().isThrownBy(() -> filter.match(CANDIDATES, null))
			.withMessageContaining(UnchosenConnectorFilter.DESCRIPTOR)
			.withMessageContaining("names no 'type'");
	}

	private UnchosenConnectorFilter filter(MockEnvironment environment) throws IOException {
		return filter(environment, """
				type=redis
				auto-configurations=\\
				example.ExampleClientAutoConfiguration,\\
				example.ExampleHealthAutoConfiguration
				""");
	}

	private UnchosenConnectorFilter filter(MockEnvironment environment, String descriptor) throws IOException {
		Path file = this.starter.resolve(UnchosenConnectorFilter.DESCRIPTOR);
		Files.createDirectories(file.getParent());
		Files.writeString(file, descriptor);
		// Only this starter's descriptor: the parent is the platform loader, not the test's class path.
		ClassLoader loader = new URLClassLoader(new URL[] { this.starter.toUri().toURL() },
				ClassLoader.getPlatformClassLoader());
		UnchosenConnectorFilter filter = new UnchosenConnectorFilter();
		filter.setEnvironment(environment);
		filter.setBeanClassLoader(loader);
		return filter;
	}

}
