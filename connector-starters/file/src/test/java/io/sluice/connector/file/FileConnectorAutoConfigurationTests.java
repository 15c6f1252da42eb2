package io.sluice.connector.file;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.env.MockEnvironment;

import io.sluice.connector.StorageQueue;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;
import io.sluice.connector.memory.UnchosenConnectorFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class FileConnectorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(FileConnectorAutoConfiguration.class, MemoryConnectorAutoConfiguration.class));

	@Test
	void fileQueueJournalsIntoItsDirectory(@TempDir Path directory) {
		this.runner
			.withPropertyValues("sluice.queue.type=file", "sluice.queue.file.directory=" + directory,
					"sluice.queue.file.partitions=4")
			.run((context) -> {
				assertThat(context).hasSingleBean(FileStorageQueue.class);
				assertThat(context).hasSingleBean(StorageQueue.class);
				assertThat(context.getBean(FileStorageQueue.class).segmentFiles()).singleElement()
					.satisfies((segment) -> assertThat(segment.getParent()).isEqualTo(directory));
			});
	}

	@Test
	void fileQueueWithoutDirectoryFailsToStartNamingTheProperty() {
		this.runner.withPropertyValues("sluice.queue.type=file")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sluice.queue.file.directory"));
	}

	@Test
	void fileQueueSegmentLargerThanAMappingFailsToStartNamingTheProperty(@TempDir Path directory) {
		assertThat(startUpFailure(directory, "sluice.queue.file.segment-size=3GB")).rootCause()
			.hasMessageContaining("sluice.queue.file.segment-size")
			.hasMessageContaining("3221225472B");
	}

	@Test
	void fileQueueForcesEveryAcknowledgedWriteUnlessToldOtherwise(@TempDir Path directory) {
		this.runner.withPropertyValues("sluice.queue.type=file", "sluice.queue.file.directory=" + directory)
			.run((context) -> assertThat(context.getBean(FileQueueProperties.class)).satisfies((properties) -> {
				assertThat(properties.fsync()).isEqualTo(Fsync.ALWAYS).isEqualTo(FileStorageQueue.DEFAULT_FSYNC);
				assertThat(properties.fsyncInterval()).isEqualTo(FileStorageQueue.DEFAULT_FSYNC_INTERVAL);
			}));
		this.runner
			.withPropertyValues("sluice.queue.type=file", "sluice.queue.file.directory=" + directory,
					"sluice.queue.file.fsync=interval", "sluice.queue.file.fsync-interval=250ms")
			.run((context) -> {
				assertThat(context).hasSingleBean(FileStorageQueue.class);
				assertThat(context.getBean(FileQueueProperties.class).fsync()).isEqualTo(Fsync.INTERVAL);
				assertThat(context.getBean(FileQueueProperties.class).fsyncInterval()).hasMillis(250);
			});
	}

	@Test
	void fileQueueFsyncOfAnUnknownModeFailsToStartNamingTheProperty(@TempDir Path directory) {
		assertThat(startUpFailure(directory, "sluice.queue.file.fsync=sometimes"))
			.hasStackTraceContaining("sluice.queue.file.fsync")
			.hasStackTraceContaining("sometimes");
	}

	@Test
	void fileQueueFsyncIntervalThatIsNotPositiveFailsToStartNamingTheProperty(@TempDir Path directory) {
		assertThat(startUpFailure(directory, "sluice.queue.file.fsync=interval", "sluice.queue.file.fsync-interval=0s"))
			.rootCause()
			.hasMessageContaining("sluice.queue.file.fsync-interval must be positive");
	}

	@Test
	void otherQueueTypesGiveNoJournal(@TempDir Path directory) {
		for (String type : new String[] { "memory", "kafka", "none" }) {
			this.runner.withPropertyValues("sluice.queue.type=" + type, "sluice.queue.file.directory=" + directory)
				.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FileStorageQueue.class));
		}
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(StorageQueue.class));
	}

	@Test
	void aQueueOfTheApplicationWins(@TempDir Path directory) {
		StorageQueue own = mock(StorageQueue.class);
		this.runner.withPropertyValues("sluice.queue.type=file", "sluice.queue.file.directory=" + directory)
			.withBean(StorageQueue.class, () -> own)
			.run((context) -> assertThat(context).getBean(StorageQueue.class).isSameAs(own));
	}

	@Test
	void theStarterDescribesItselfSoThatAProcessNotChoosingItLeavesItOut() {
		String[] candidates = { FileConnectorAutoConfiguration.class.getName() };
		assertThat(filter(new MockEnvironment().withProperty("sluice.queue.type", "memory")).match(candidates, null))
			.containsExactly(false);
		assertThat(filter(new MockEnvironment().withProperty("sluice.queue.type", "file")).match(candidates, null))
			.containsExactly(true);
	}

	/** Why a context with the file queue in {@code directory} and {@code properties} fails to start. */
	private Throwable startUpFailure(Path directory, String... properties) {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		this.runner.withPropertyValues("sluice.queue.type=file", "sluice.queue.file.directory=" + directory)
			.withPropertyValues(properties)
			.run((context) -> {
				assertThat(context).hasFailed();
				failure.set(context.getStartupFailure());
			});
		return failure.get();
	}

	private UnchosenConnectorFilter filter(MockEnvironment environment) {
		UnchosenConnectorFilter filter = new UnchosenConnectorFilter();
		filter.setEnvironment(environment);
		filter.setBeanClassLoader(getClass().getClassLoader());
		return filter;
	}

}
