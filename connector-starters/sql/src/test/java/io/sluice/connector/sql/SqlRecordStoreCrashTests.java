package io.sluice.connector.sql;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

import io.sluice.connector.VersionedRecord;

import static io.sluice.connector.sql.TestDatabases.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An H2 write whose {@code Mono} completed survives {@code kill -9} of the process that made it.
 */
class SqlRecordStoreCrashTests {

	private static final int BATCHES = 20;

	@TempDir
	Path directory;

	@Test
	void acknowledgedWritesSurviveKillOfTheProcess() throws Exception {
		writeKillAndReadBack(SqlUrls.h2File(this.directory.resolve("crash").toAbsolutePath().toString()));
	}

	@Test
	void acknowledgedWritesSurviveKillEvenWhenTheUrlLeavesOutWriteDelay() throws Exception {
		// The schema sets WRITE_DELAY 0 for the open database (and warns), so this run is still durable.
		writeKillAndReadBack("r2dbc:h2:file:///" + this.directory.resolve("plain").toAbsolutePath());
	}

	private void writeKillAndReadBack(String url) throws Exception {
		Process writer = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
				CrashingWriter.class.getName(), url, String.valueOf(BATCHES))
			.redirectErrorStream(true)
			.start();
		try {
			// Killed the moment the last batch is reported written: H2's default 500 ms write delay would lose it.
			CompletableFuture.runAsync(() -> awaitLine(writer, CrashingWriter.WRITTEN + BATCHES))
				.get(2 * TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			writer.destroyForcibly();
			assertThat(writer.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(writer.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
		}
		finally {
			writer.destroyForcibly();
		}
		ConnectionPool connectionFactory = TestDatabases.pooled(ConnectionFactories.get(url));
		try {
			SqlRecordStore store = new SqlRecordStore(new SqlSchema(connectionFactory));
			StepVerifier.create(store.scan("crash/").count())
				.expectNext((long) BATCHES * CrashingWriter.RECORDS_PER_BATCH)
				.expectComplete()
				.verify(TIMEOUT);
			VersionedRecord last = CrashingWriter.batch(BATCHES).get(CrashingWriter.RECORDS_PER_BATCH - 1);
			StepVerifier.create(store.find(last.name())).expectNext(last).expectComplete().verify(TIMEOUT);
		}
		finally {
			connectionFactory.disposeLater().block(TIMEOUT);
		}
	}

	private static void awaitLine(Process process, String expected) {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = output.readLine(); line != null; line = output.readLine()) {
				if (line.equals(expected)) {
					return;
				}
			}
			throw new IllegalStateException("The writer ended without printing '" + expected + "'");
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String javaExecutable() {
		return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
	}

}
