package io.sluice.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * deepstream's permission rules with the real {@code @deepstream/client} ({@code clients/node-interop/permissions.js}
 * and the {@code permissions.yml} beside it) against a Sluice server in a child JVM that reads the file
 * ({@code sluice.permission.type=config}) and logs users in through a webhook served by this test, which gives each
 * user a role in its server data. Every rule type of every section is allowed and denied, by user, user data, data,
 * {@code oldData}, {@code now}, {@code action}, path variables and other records; then the test changes the file
 * while the server runs (the change applies within the reload interval) and makes it invalid (refused, the last
 * valid rules stay). Skipped, loudly, when Node.js 18+ and npm are not on the PATH.
 */
class PermissionsInteropIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	/** Short, so that a changed file applies at once for the scenario. */
	private static final Duration RELOAD_INTERVAL = Duration.ofMillis(200);

	private static final Path RULES = Path.of(System.getProperty("basedir", "."))
		.resolve("../clients/node-interop/permissions.yml");

	private static final String TOGGLE_DENIED = "\"*/toggle/*\":\n    read: false";

	private static final String TOGGLE_ALLOWED = "\"*/toggle/*\":\n    read: true";

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("permissions-interop");

	// Everyone is let in with the role they asked for: what matters here is that rules see it as user.data.
	@RegisterExtension
	static final AuthWebhook webhook = AuthWebhook.answering((authData) -> {
		String role = authData.path("role").asString("guest");
		ObjectNode answer = AuthWebhook.object().put("id", authData.path("username").asString(""));
		answer.putObject("clientData").put("role", role);
		answer.putObject("serverData").put("role", role);
		return new AuthWebhook.Answer(200, answer);
	});

	@Test
	void realClientsAreHeldToThePermissionFileAndItsReloads(@TempDir Path dataDir, @TempDir Path config)
			throws Exception {
		String prefix = "perm-" + UUID.randomUUID().toString().substring(0, 8);
		String rules = Files.readString(RULES);
		assertThat(rules).contains(TOGGLE_DENIED);
		Path file = config.resolve("permissions.yml");
		Files.writeString(file, rules);
		try {
			ServerProcess server = interop.start(ServerProcess.freePort(), "server.log", STARTUP_TIMEOUT,
					List.of("--sluice.data-dir=" + dataDir.toAbsolutePath(), "--sluice.auth.type=webhook",
							"--sluice.auth.webhook.url=" + webhook.url(),
							"--sluice.permission.type=config", "--sluice.permission.file=" + file.toAbsolutePath(),
							"--sluice.permission.reload-interval=" + RELOAD_INTERVAL.toMillis() + "ms"));

			RunningScript.assertPassed(phase(server, "rules", prefix), "login-with-server-data",
					"record-create-denied", "record-read-denied-and-not-subscribed", "record-write-only-by-its-user",
					"record-delete-denied-and-allowed", "record-cross-record-rule",
					"record-rule-failure-is-a-permission-error", "record-old-data-counter-only-grows",
					"record-pipelined-sets-keep-their-order",
					"record-action-rule-refuses-patches", "record-listen-denied", "record-notify-denied-and-allowed",
					"event-publish-denied", "event-subscribe-denied-and-not-registered", "event-publish-data-rule",
					"event-publish-now-rule", "event-rule-failure-is-a-permission-error", "event-listen-denied",
					"rpc-provide-denied", "rpc-request-denied-by-data", "presence-denied-to-guests",
					"presence-by-user-id", "toggle-read-denied-before-reload", "client-errors-are-the-refusals");

			replace(file, rules.replace(TOGGLE_DENIED, TOGGLE_ALLOWED));
			RunningScript.assertPassed(phase(server, "reloaded", prefix), "reloaded-rule-takes-effect",
					"other-rules-still-in-force");

			replace(file, rules.replace(TOGGLE_DENIED, TOGGLE_ALLOWED).replace("read: true", "read: \"user.id ===\""));
			await("the invalid file refused").atMost(Duration.ofSeconds(10))
				.until(() -> Files.readString(server.log()).contains("changed but was refused"));
			RunningScript.assertPassed(phase(server, "kept", prefix), "reloaded-rule-still-in-force",
					"other-rules-still-in-force");
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	private static NodeInterop.Run phase(ServerProcess server, String phase, String prefix) throws Exception {
		return interop.node().run("permissions.js", "permissions-" + phase, List.of(server.webSocketUrl(), phase, prefix),
				Map.of(), SCENARIO_TIMEOUT);
	}

	/** Replaces the file in one step, so the server never reads half of it. */
	private static void replace(Path file, String text) throws IOException {
		Path next = file.resolveSibling(file.getFileName() + ".next");
		Files.writeString(next, text);
		Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

}
