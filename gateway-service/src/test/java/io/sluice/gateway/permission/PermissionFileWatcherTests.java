package io.sluice.gateway.permission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PermissionFileWatcherTests {

	private static final String FILE = """
			record: { "*": { read: %s } }
			event: { "*": { publish: true } }
			rpc: { "*": { request: true } }
			presence: { "*": { allow: true } }
			""";

	@TempDir
	Path directory;

	@Test
	void aChangedValidFileReplacesTheRules() throws IOException {
		Path file = write("permissions.yml", FILE.formatted("true"), 1);
		PermissionFileWatcher watcher = new PermissionFileWatcher(file, Duration.ofSeconds(1));
		assertThat(readRule(watcher)).isEqualTo("true");

		write("permissions.yml", FILE.formatted("\"user.id === 'admin'\""), 2);
		watcher.reloadIfChanged();

		assertThat(readRule(watcher)).isEqualTo("user.id === 'admin'");
	}

	@Test
	void anInvalidChangeIsRefusedAndTheRulesInForceStay() throws IOException {
		Path file = write("permissions.yml", FILE.formatted("true"), 1);
		PermissionFileWatcher watcher = new PermissionFileWatcher(file, Duration.ofSeconds(1));

		write("permissions.yml", FILE.formatted("\"user.id === \""), 2);
		watcher.reloadIfChanged();
		assertThat(readRule(watcher)).isEqualTo("true");

		Files.delete(file);
		watcher.reloadIfChanged();
		assertThat(readRule(watcher)).as("a file that went away").isEqualTo("true");

		write("permissions.yml", FILE.formatted("false"), 3);
		watcher.reloadIfChanged();
		assertThat(readRule(watcher)).as("once fixed").isEqualTo("false");
	}

	@Test
	void aLinkSwappedToAnotherFileIsNoticedAsAKubernetesConfigMapUpdateDoes() throws IOException {
		Path first = write("v1.yml", FILE.formatted("true"), 1);
		Path second = write("v2.yml", FILE.formatted("false"), 1);
		Path link = Files.createSymbolicLink(this.directory.resolve("permissions.yml"), first);
		PermissionFileWatcher watcher = new PermissionFileWatcher(link, Duration.ofSeconds(1));

		Files.delete(link);
		Files.createSymbolicLink(link, second);
		watcher.reloadIfChanged();

		assertThat(readRule(watcher)).isEqualTo("false");
	}

	@Test
	void onceStartedItChecksTheFileOnItsOwn() throws IOException {
		Path file = write("permissions.json", """
				{ "record": { "*": { "read": true } }, "event": { "*": { "publish": true } },
				  "rpc": { "*": { "request": true } }, "presence": { "*": { "allow": true } } }
				""", 1);
		PermissionFileWatcher watcher = new PermissionFileWatcher(file, Duration.ofMillis(50));
		watcher.start();
		try {
			Files.writeString(file, Files.readString(file).replace("\"read\": true", "\"read\": false"));
			Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(2)));
			await().atMost(Duration.ofSeconds(10)).until(() -> readRule(watcher).equals("false"));
		}
		finally {
			watcher.stop();
		}
		assertThat(watcher.isRunning()).isFalse();
	}

	@Test
	void aBadFileAtStartIsRefused() throws IOException {
		Path file = write("permissions.yml", "record: {}", 1);

		assertThatThrownBy(() -> new PermissionFileWatcher(file, Duration.ofSeconds(1)))
			.isInstanceOf(InvalidPermissionsException.class)
			.hasMessage("Permission file " + file + ": empty section \"record\"");
	}

	private static String readRule(PermissionFileWatcher watcher) {
		return watcher.get().find(PermissionAction.RECORD_READ, "any").rule().toString();
	}

	/** Writes a file with a modification time of its own, so that a rewrite within a second is still a change. */
	private Path write(String name, String text, long modifiedSecond) throws IOException {
		Path file = Files.writeString(this.directory.resolve(name), text);
		Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(modifiedSecond)));
		return file;
	}

}
