package io.sluice.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check that a server's log holds none of the secrets a scenario used: passwords, keys, tokens, the
 * {@code serverData} of logins. The servers it reads log {@code io.sluice} at {@code TRACE} ({@link #TRACE}), so
 * that every level is covered.
 */
final class SecretsInLogs {

	/** The argument that has a server log everything Sluice logs. */
	static final String TRACE = "--logging.level.io.sluice=TRACE";

	private SecretsInLogs() {
	}

	/** @param secrets each secret's value by what it is, for the failure's message */
	static void assertNoneIn(Path log, Map<String, String> secrets) throws IOException {
		List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
		assertThat(lines).as("the server's log %s", log).isNotEmpty();
		assertThat(lines).as("Sluice's debug logging in %s", log).anyMatch((line) -> line.contains(" DEBUG "));
		secrets.forEach((what, secret) -> assertThat(lines)
			.as("lines of %s holding %s (%s)", log, what, secret)
			.filteredOn((line) -> line.contains(secret))
			.isEmpty());
	}

}
