package io.sluice.connector.memory;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
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
		for (String port : UnchosenConnectorFilter.PORTS) {
			boolean[] matches = filter(new MockEnvironment().withProperty("sluice." + port + ".type", " example "))
				.match(CANDIDATES, null);

			assertThat(matches).as(port).containsExactly(true, true, true, true);
		}
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
				type=example
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
