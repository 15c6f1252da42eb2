package io.sluice.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logins and RPC requestor details with the real {@code @deepstream/client}
 * ({@code clients/node-interop/login-rpc.js}) against a Sluice server in a child JVM that authenticates by webhook
 * (served by this test) with deepstream's test timeout of 200 ms for logging in: {@code /health-check} answers 200;
 * a client refused once is not cut later; logins through the webhook succeed; and a provider is told the
 * requestor's name and client data only when the server is set to tell them. The server's log, with Sluice's debug
 * logging on, holds neither the logins' serverData nor the secrets of the webhook's URL. One server per setting. Skipped,
 * loudly, when Node.js 18+ and npm are not on the PATH.
 */
class LoginRpcInteropIT {

	private static final Duration AUTH_TIMEOUT = Duration.ofMillis(200);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("login-rpc-interop");

	private static final String SERVER_DATA_SECRET = "webhook-server-data-" + Long.toString(System.nanoTime(), 36);

	/** Secrets of the webhook's URL: a password in its user part and a key in its query. */
	private static final String URL_PASSWORD = "url-password-" + Long.toString(System.nanoTime(), 36);

	private static final String URL_KEY = "url-key-" + Long.toString(System.nanoTime(), 36);

	@RegisterExtension
	static final AuthWebhook webhook = AuthWebhook.answering((authData) -> {
		String username = authData.path("username").asString("");
		ObjectNode answer = AuthWebhook.object();
		if ("good".equals(authData.path("token").asString(""))) {
			answer.put("id", username);
			answer.putObject("clientData").put("greeting", "hello " + username);
			answer.putObject("serverData").put("apiKey", SERVER_DATA_SECRET);
			return new AuthWebhook.Answer(200, answer);
		}
		answer.putObject("clientData").put("reason", "bad token");
		return new AuthWebhook.Answer(401, answer);
	});

	@TempDir
	Path dataDir;

	@Test
	void providersAreToldNothingOfTheRequestorByDefault() throws Exception {
		assertAllPassed(scenario("off"), "rpc-requestor-off");
	}

	@Test
	void providersAreToldTheRequestorNameAndDataWhenTurnedOn() throws Exception {
		assertAllPassed(scenario("on", "--sluice.rpc.provide-requestor-name=true",
				"--sluice.rpc.provide-requestor-data=true"), "rpc-requestor-on");
	}

	private NodeInterop.Run scenario(String requestor, String... more) throws Exception {
		List<String> args = new ArrayList<>(List.of("--sluice.data-dir=" + this.dataDir.toAbsolutePath(),
				"--sluice.auth.type=webhook",
				"--sluice.auth.webhook.url=" + webhook.url().replace("://", "://sluice:" + URL_PASSWORD + "@") + "?key="
						+ URL_KEY, SecretsInLogs.TRACE,
				"--sluice.gateway.unauthenticated-client-timeout=" + AUTH_TIMEOUT.toMillis() + "ms"));
		args.addAll(List.of(more));
		try {
			ServerProcess server = interop.start(ServerProcess.freePort(), "server-" + requestor + ".log",
					STARTUP_TIMEOUT, args);
			NodeInterop.Run run = interop.node().run("login-rpc.js", "login-rpc-" + requestor,
					List.of(server.webSocketUrl(), requestor),
					Map.of("INTEROP_AUTH_TIMEOUT_MS", Long.toString(AUTH_TIMEOUT.toMillis())), SCENARIO_TIMEOUT);
			SecretsInLogs.assertNoneIn(server.log(), Map.of("serverData of the webhook's logins", SERVER_DATA_SECRET,
					"the password in the webhook's URL", URL_PASSWORD, "the key in the webhook's URL", URL_KEY));
			return run;
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	private static void assertAllPassed(NodeInterop.Run run, String requestorCheck) {
		try {
			assertThat(run.failed()).as(run::describe).isEmpty();
			assertThat(run.checks()).as(run::describe).extracting(NodeInterop.Check::name).containsExactly(
					"health-check", "refused-login-is-not-cut-later", "webhook-logins-succeed", requestorCheck);
			assertThat(run.exitStatus()).as(run::describe).isZero();
		}
		catch (AssertionError failure) {
			throw interop.withServerOutput(failure);
		}
	}

}
