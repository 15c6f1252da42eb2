package io.sluice.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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

	private static InteropSupport interop;

	@TempDir
	Path dataDir;

	@BeforeAll
	static void installClient() throws Exception {
		interop = InteropSupport.install(LifecycleInteropIT.class, "lifecycle-interop");
	}

	@BeforeEach
	void requireNode() {
		interop.assumeNode();
	}

	@AfterEach
	void stopServers() {
		interop.stopServers();
	}

	@Test
	void clientThatStopsPingingIsClosed() throws Exception {
		ServerProcess server = start("heartbeat", "--sluice.gateway.heartbeat-timeout=2s");
		Script script = Script.start(server, "heartbeat");
		script.awaitExit();
		script.assertPassed("login", "heartbeat-timeout-closed");
	}

	@Test
	void gracefulShutdownTellsConnectedClientsBeforeClosing() throws Exception {
		ServerProcess server = start("shutdown");
		Script script = Script.start(server, "shutdown");
		script.awaitCheck("ready");
		// SIGTERM: Spring's graceful shutdown, which stops the gateway's connections first.
		server.close();
		script.awaitExit();
		script.assertPassed("login", "ready", "shutdown-notice", "going-away-close");
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
			Script script = Script.start(server, "webhook");
			script.awaitExit();
			script.assertPassed("webhook-accepted", "webhook-refused", "webhook-timed-out");
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

	/** {@code lifecycle.js} in a child process, its check lines collected as they are printed. */
	private static final class Script {

		private final Process process;

		private final List<String> lines = new CopyOnWriteArrayList<>();

		private final CompletableFuture<Void> ended;

		private final Path stderr;

		private Script(Process process, Path stderr) {
			this.process = process;
			this.stderr = stderr;
			this.ended = CompletableFuture.runAsync(() -> {
				try (BufferedReader reader = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					for (String line = reader.readLine(); line != null; line = reader.readLine()) {
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					this.lines.add("(reading the script's output failed: " + ex + ")");
				}
			});
		}

		static Script start(ServerProcess server, String scenario) throws IOException {
			Path stderr = interop.log(scenario + ".err");
			Process process = interop.node()
				.script("lifecycle.js", List.of(server.webSocketUrl(), scenario))
				.redirectError(stderr.toFile())
				.start();
			return new Script(process, stderr);
		}

		void awaitCheck(String check) throws Exception {
			long deadline = System.nanoTime() + SCENARIO_TIMEOUT.toNanos();
			while (this.lines.stream().noneMatch((line) -> line.contains("\"check\":\"" + check + "\""))) {
				assertThat(System.nanoTime() - deadline).as("check %s within %s: %s", check, SCENARIO_TIMEOUT,
						this.lines).isNegative();
				assertThat(this.ended).as("script ended before %s: %s", check, this.lines).isNotDone();
				// The lines arrive on the reader's thread; waiting on its future doubles as the pause between looks.
				try {
					this.ended.get(50, TimeUnit.MILLISECONDS);
				}
				catch (java.util.concurrent.TimeoutException ex) {
					// not yet
				}
			}
		}

		void awaitExit() throws Exception {
			if (!this.process.waitFor(SCENARIO_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
			this.ended.get(10, TimeUnit.SECONDS);
		}

		void assertPassed(String... checks) throws IOException {
			String described = String.join(System.lineSeparator(), this.lines) + System.lineSeparator()
					+ ServerProcess.Logs.tail(this.stderr, 30);
			for (String check : checks) {
				assertThat(this.lines).as(described).anyMatch((line) -> line.contains("\"check\":\"" + check + "\",\"ok\":true"));
			}
			assertThat(this.lines).as(described).noneMatch((line) -> line.contains("\"ok\":false"));
			assertThat(this.process.exitValue()).as(described).isZero();
		}

	}

}
