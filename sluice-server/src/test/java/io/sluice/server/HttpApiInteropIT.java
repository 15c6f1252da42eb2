package io.sluice.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * deepstream's HTTP endpoint ({@code POST /api}, {@code POST /api/auth}, {@code GET /api}) compared with deepstream
 * 7.0.2 itself ({@code @deepstream/server}, installed from {@code bench/peers/deepstream}): the same script
 * ({@code clients/node-interop/http-api.js}) sends the same requests, over 60 of them (every command, auth by data,
 * by token and by neither, bad tokens and auth data, malformed bodies and commands, an unknown topic, permission
 * denials under the same permission file, partial successes, a request timeout, 5,000 emits in one batch), to a
 * deepstream with an HTTP endpoint and to a Sluice server in a child JVM, each with the same users file; every
 * answer (status, content type, body) must be the same. The script's WebSocket client (the real
 * {@code @deepstream/client}) checks the effects: an event emitted and a record written over HTTP reach its
 * subscriptions, an RPC made over HTTP reaches its provider. Skipped, loudly, when Node.js 18+ and npm are not on
 * the PATH.
 *
 * <p>What is normalised before comparing, because it must differ:
 * <ul>
 * <li>{@code http-malformed-json}: the reason after "Failed to parse body of request: " is the wording of the
 * JavaScript engine's JSON parser; only the status, the content type and that prefix are compared.</li>
 * <li>{@code http-auth-endpoint}: Sluice's answer carries a {@code token} (it signs its own), deepstream's users file
 * authentication gives none; the token is checked to be a non-empty string, then removed.</li>
 * <li>{@code http-with-token-or-auth-data}: the request differs, not the answer: the script sends Sluice the token
 * it got, and deepstream, which gave none, the auth data again.</li>
 * <li>{@code batch-5000-emits}: the time each of the three batches took ({@code elapsedMs}) is removed; Sluice's best
 * must be under a second (the first batch after start-up also pays for the JIT compiling the path).</li>
 * </ul>
 */
class HttpApiInteropIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(150);

	/** Below both servers' RPC response timeout (10 s), so that a call nobody answers meets the request timeout. */
	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("http-api-interop");

	@TempDir
	Path directory;

	@Test
	void answersEveryRequestAsDeepstreamDoesWithTheSameEffects() throws Exception {
		String prefix = "h" + Long.toString(System.nanoTime(), 36);
		Path users = this.directory.resolve("users.yml");
		Files.writeString(users, """
				alice:
				  password: alice-password
				  serverData: { role: admin }
				  clientData: { favouriteColor: red }
				bob:
				  password: bob-password
				""");
		Path permissions = this.directory.resolve("permissions.yml");
		Files.writeString(permissions, permissionsFile(prefix));
		NodeInterop.Run deepstream = runAgainstDeepstream(prefix, users, permissions);
		assertThat(deepstream.failed()).as(deepstream::describe).isEmpty();
		assertThat(deepstream.exitStatus()).as(deepstream::describe).isZero();
		try {
			int port = ServerProcess.freePort();
			interop.start(port, "server.log", STARTUP_TIMEOUT,
					List.of("--sluice.data-dir=" + this.directory.resolve("data"), "--sluice.auth.type=file",
							"--sluice.auth.file.path=" + users, "--sluice.auth.file.hash=none",
							"--sluice.permission.type=config", "--sluice.permission.file=" + permissions,
							"--sluice.http.enable-auth-endpoint=true",
							"--sluice.http.request-timeout=" + REQUEST_TIMEOUT.toMillis() + "ms"));
			NodeInterop.Run sluice = interop.node()
				.run("http-api.js", "http-api-sluice",
						List.of("http://127.0.0.1:" + port, "ws://127.0.0.1:" + port + "/deepstream", prefix), Map.of(),
						SCENARIO_TIMEOUT);
			assertThat(sluice.failed()).as(sluice::describe).isEmpty();
			assertThat(sluice.exitStatus()).as(sluice::describe).isZero();
			assertThat(sluice.checks()).as(sluice::describe).hasSizeGreaterThan(60);
			assertThat(names(sluice)).as("the checks, in order").isEqualTo(names(deepstream));
			JsonNode rounds = sluice.check("batch-5000-emits").orElseThrow().detail().path("rounds");
			assertThat(rounds.findValues("elapsedMs").stream().mapToLong(JsonNode::asLong).min().orElseThrow())
				.as("5,000 emits in one request, in ms, the best of three: %s", rounds)
				.isLessThan(1000);
			Map<String, JsonNode> expected = normalised(deepstream, false);
			Map<String, JsonNode> actual = normalised(sluice, true);
			for (String check : expected.keySet()) {
				assertThat(actual.get(check)).as("%s: Sluice's answer (deepstream's is expected)", check)
					.isEqualTo(expected.get(check));
			}
		}
		catch (AssertionError | Exception failure) {
			throw interop.withServerOutput(failure);
		}
	}

	/** Every rule open but the names the script expects to be denied. */
	private static String permissionsFile(String prefix) {
		return """
				presence:
				  "*":
				    allow: true
				record:
				  "*":
				    create: true
				    write: true
				    read: true
				    delete: true
				    listen: true
				    notify: true
				  "%1$s/locked/*":
				    write: false
				    read: false
				    delete: false
				  "%1$s/nocreate/*":
				    create: false
				event:
				  "*":
				    publish: true
				    subscribe: true
				    listen: true
				  "%1$s/denied/*":
				    publish: false
				rpc:
				  "*":
				    provide: true
				    request: true
				  "%1$s/secret/*":
				    request: false
				""".formatted(prefix);
	}

	/** Runs the script against deepstream 7.0.2 with an HTTP endpoint, the users file and the permissions. */
	private NodeInterop.Run runAgainstDeepstream(String prefix, Path users, Path permissions) throws Exception {
		int port = ServerProcess.freePort();
		Path config = this.directory.resolve("deepstream.yml");
		Files.writeString(config, """
				serverName: http-api-interop
				showLogo: false
				exitOnFatalError: true
				telemetry: { type: deepstreamIO, options: { enabled: false } }
				rpc: { ackTimeout: 1000, responseTimeout: 10000 }
				httpServer:
				  type: default
				  options: { host: 127.0.0.1, port: %d, healthCheckPath: /health-check, maxMessageSize: 1048576 }
				connectionEndpoints:
				  - type: ws-binary
				    options: { urlPath: /deepstream, maxMessageSize: 1048576 }
				  - type: http
				    options:
				      allowAuthData: true
				      enableAuthEndpoint: true
				      authPath: /api/auth
				      postPath: /api
				      getPath: /api
				      requestTimeout: %d
				logger: { type: default, options: { colors: false, logLevel: WARN } }
				logLevel: WARN
				auth:
				  - type: file
				    options: { users: fileLoad(%s) }
				permission:
				  type: config
				  options: { permissions: fileLoad(%s), maxRuleIterations: 3, cacheEvacuationInterval: 60000 }
				monitoring: { type: none }
				""".formatted(port, REQUEST_TIMEOUT.toMillis(), users.getFileName(), permissions.getFileName()));
		Path log = interop.log("deepstream.log");
		Process deepstream = interop.deepstream(List.of("start", "-c", config.toString()))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			// HTTP/1.1: Node's server takes the HTTP/2 upgrade offer of a default client for a WebSocket upgrade
			HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			URI health = URI.create("http://127.0.0.1:" + port + "/health-check");
			await("deepstream answers its health check").atMost(STARTUP_TIMEOUT).until(() -> {
				assertThat(deepstream.isAlive()).as("deepstream is running (see %s)", log).isTrue();
				try {
					return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
						.statusCode() == 200;
				}
				catch (IOException ex) {
					return false;
				}
			});
			return interop.node()
				.run("http-api.js", "http-api-deepstream",
						List.of("http://127.0.0.1:" + port, "ws://127.0.0.1:" + port + "/deepstream", prefix), Map.of(),
						SCENARIO_TIMEOUT);
		}
		finally {
			deepstream.destroy();
		}
	}

	private static List<String> names(NodeInterop.Run run) {
		return run.checks().stream().map(NodeInterop.Check::name).toList();
	}

	/** Each check's detail, with the normalisations of the class comment. */
	private static Map<String, JsonNode> normalised(NodeInterop.Run run, boolean sluice) {
		Map<String, JsonNode> details = new LinkedHashMap<>();
		for (NodeInterop.Check check : run.checks()) {
			JsonNode detail = check.detail().deepCopy();
			switch (check.name()) {
				case "http-malformed-json" -> {
					ObjectNode answer = (ObjectNode) detail;
					assertThat(answer.path("text").asString()).as("%s of %s", check.name(), run.name())
						.startsWith("Failed to parse body of request: ");
					answer.put("text", "Failed to parse body of request: ...");
				}
				case "http-auth-endpoint" -> {
					if (sluice) {
						ObjectNode json = (ObjectNode) detail.path("json");
						assertThat(json.path("token").asString()).as("Sluice's token").isNotEmpty();
						json.remove("token");
					}
				}
				case "batch-5000-emits" -> detail.path("rounds").forEach((round) -> ((ObjectNode) round).remove("elapsedMs"));
				default -> {
				}
			}
			details.put(check.name(), detail);
		}
		return details;
	}

}
