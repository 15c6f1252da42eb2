package io.sluice.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged server (target/sluice, as the README starts it) starts on the bean definitions generated at build
 * time when its configuration is the build's, also with a permission file and a data directory of its own, and the
 * ordinary way, with the beans the other configuration asks for, when a condition would decide otherwise.
 */
class AheadOfTimeStartIT {

	private static final Path LOGS = Path.of("target", "aot-start");

	private static final Duration STARTUP = Duration.ofSeconds(90);

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void packaged() {
		Assumptions.assumeTrue(Files.isRegularFile(Path.of("target", "sluice", "sluice.jar")),
				"the package phase did not extract target/sluice (run by the IDE without it)");
	}

	@Test
	void theBuildsConfigurationWithAPermissionFileAndItsOwnDataStartsAheadOfTimeProcessed() throws Exception {
		Path directory = Files.createDirectories(LOGS.resolve("processed"));
		Path permissions = Files.writeString(directory.resolve("permissions.yml"), """
				record: { "*": { create: true, write: true, read: true, delete: true, listen: true, notify: true } }
				event: { "*": { publish: true, subscribe: true, listen: true } }
				rpc: { "*": { provide: true, request: true } }
				presence: { "*": { allow: true } }
				""");
		String log = startAndRead(directory, List.of("--sluice.permission.type=config",
				"--sluice.permission.file=" + permissions.toAbsolutePath()), "/actuator/health", 200);

		assertThat(log).contains("Starting AOT-processed SluiceServer")
			.contains("Permissions: the rules of " + permissions.toAbsolutePath())
			.doesNotContain("Starting without the ahead-of-time processed configuration");
	}

	@Test
	void anotherChoiceThatAConditionReadsStartsTheOrdinaryWayWithTheBeansItAsksFor() throws Exception {
		Path directory = Files.createDirectories(LOGS.resolve("ordinary"));
		String log = startAndRead(directory, List.of("--management.endpoints.web.exposure.include=health,metrics"),
				"/actuator/metrics", 200);

		assertThat(log).contains("Starting without the ahead-of-time processed configuration, which takes longer: "
				+ "management.endpoints.web.exposure.include is 'health,metrics', the build processed 'health,info,prometheus'")
			.doesNotContain("Starting AOT-processed");
	}

	/** Starts the server in {@code directory}, asks {@code path} for {@code status}, stops it and returns its log. */
	private String startAndRead(Path directory, List<String> args, String path, int status) throws Exception {
		int port = ServerProcess.freePort();
		List<String> all = new ArrayList<>(args);
		all.add("--spring.r2dbc.url=r2dbc:h2:file:///" + directory.toAbsolutePath().resolve("data/sluice")
				+ "?options=WRITE_DELAY=0");
		all.add("--sluice.queue.file.directory=" + directory.toAbsolutePath().resolve("data/queue"));
		Path log = directory.resolve("server.log");
		try (ServerProcess server = ServerProcess.start(port, log, STARTUP, all)) {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("GET %s", path).isEqualTo(status);
		}
		return Files.readString(log);
	}

}
