package io.sluice.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection lifecycle with the real {@code @deepstream/client} ({@code clients/node-interop/lifecycle.js})
 * against a Sluice server in a child JVM: a client that stops pinging is closed, a graceful shutdown (SIGTERM) tells
 * connected clients before it closes them, and logins go through an HTTP webhook that accepts, refuses and times
 * out. Skipped, loudly, when Node.js 18+ and npm are not on the PATH.
 */
class LifecycleInteropIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final InteropSupport interop = new InteropSupport("lifecycle-interop");

	@TempDir
	Path dataDir;

	@Test
	void clientThatStopsPingingIsClosed() throws Exception {
		ServerProcess server = start("heartbeat", "--sluice.gateway.heartbeat-timeout=2s");
		RunningScript script = script(server, "heartbeat");
		RunningScript.assertPassed(script.awaitExit(SCENARIO_TIMEOUT), "login", "heartbeat-timeout-closed");
	}

	@Test
	void gracefulShutdownTellsConnectedClientsBeforeClosing() throws Exception {
		ServerProcess server = start("shutdown");
		RunningScript script = script(server, "shutdown");
		script.awaitCheck("ready", SCENARIO_TIMEOUT);
		// SIGTERM: Spring's graceful shutdown, which stops the gateway's connections first.
		server.close();
		RunningScript.assertPassed(script.awaitExit(SCENARIO_TIMEOUT), "login", "ready", "shutdown-notice",
				"going-away-close");
		assertThat(Files.readString(server.log())).contains("Telling 1 connected clients to reconnect");
	}

	@Test
	void webhookAcceptsRefusesAndTimesOut() throws Exception {
		ExecutorService executor = Executors.newCachedThreadPool();
		CountDownLatch release = new CountDownLatch(1);
		HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		webhook.setExecutor(executor);
		webhook.createContext("/auth", (exchange) -> {
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			int status;
			String answer;
			if (body.contains("\"token\":\"good\"")) {
				status = 200;
				answer = "{\"id\":\"alice\",\"clientData\":{\"greeting\":\"hello alice\"}}";
			}
			else if (body.contains("\"token\":\"slow\"")) {
				// Answers only when the test ends, long after the gateway's request timeout.
				try {
					release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				status = 200;
				answer = "{\"id\":\"too-late\"}";
			}
			else {
				status = 401;
				answer = "{\"clientData\":{\"reason\":\"bad token\"}}";
			}
			byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(status, bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		webhook.start();
		try {
			ServerProcess server = start("webhook", "--sluice.auth.type=webhook",
					"--sluice.auth.webhook.url=http://127.0.0.1:" + webhook.getAddress().getPort() + "/auth",
					"--sluice.auth.webhook.request-timeout=500ms", "--sluice.auth.webhook.retry-attempts=1",
					"--sluice.auth.webhook.retry-interval=100ms");
			RunningScript script = script(server, "webhook");
			RunningScript.assertPassed(script.awaitExit(SCENARIO_TIMEOUT), "webhook-accepted", "webhook-refused",
					"webhook-timed-out");
		}
		finally {
			release.countDown();
			webhook.stop(0);
			executor.shutdownNow();
		}
	}

	private ServerProcess start(String name, String... args) throws Exception {
		List<String> arguments = new ArrayList<>(List.of("--sluice.data-dir=" + this.dataDir.toAbsolutePath()));
		arguments.addAll(List.of(args));
		return interop.start(ServerProcess.freePort(), name + ".log", STARTUP_TIMEOUT, arguments);
	}

	private static RunningScript script(ServerProcess server, String scenario) throws IOException {
		return RunningScript.start(interop, "lifecycle.js", scenario, List.of(server.webSocketUrl(), scenario));
	}

}
