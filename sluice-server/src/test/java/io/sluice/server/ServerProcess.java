package io.sluice.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A Sluice server in a child JVM, started from the test class path, so it can be killed the hard way
 * ({@link #kill()} is SIGKILL on Unix) and started again on the same data.
 */
final class ServerProcess implements AutoCloseable {

	private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

	private static final Duration HEALTH_REQUEST_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(15);

	private final List<String> command;

	private final int port;

	private final Path log;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(HEALTH_REQUEST_TIMEOUT).build();

	private Process process;

	/** Where the package phase extracts the application (the exec-maven-plugin's fast-start executions). */
	private static final Path PACKAGED = Path.of("target", "sluice");

	private ServerProcess(List<String> command, int port, Path log) {
		this.command = command;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts one of the deployables as users do, from the jar its module's package phase extracted (with its class
	 * data sharing archive), and waits until its health endpoint reports UP.
	 * @param module the module's directory beside this one, such as {@code gateway-service}
	 * @param port the HTTP port, where its health endpoint answers
	 * @param log where the child's standard output and error go
	 * @param startupTimeout how long it may take to report UP
	 * @param args Spring Boot arguments
	 */
	static ServerProcess startDeployable(String module, int port, Path log, Duration startupTimeout, List<String> args)
			throws IOException, InterruptedException {
		String name = "sluice-" + module;
		Path target = Path.of("..", module, "target").toAbsolutePath().normalize();
		Path directory = target.resolve(name);
		Path jar = directory.resolve(name + ".jar");
		if (!Files.isRegularFile(jar)) {
			// A deployable without the fast start (the storage worker): its exec jar as the build made it.
			try (java.util.stream.Stream<Path> files = Files.list(target)) {
				jar = files.filter((file) -> file.getFileName().toString().matches(name + "-.*-exec\\.jar"))
					.findFirst()
					.orElseThrow(() -> new IllegalStateException("No " + name + " jar in " + target + ": the package "
							+ "phase of " + module + " makes it (run the build from the root, e.g. ./mvnw verify)"));
			}
			catch (java.nio.file.NoSuchFileException ex) {
				throw new IllegalStateException("No " + target + ": build " + module + " first (./mvnw verify)", ex);
			}
		}
		List<String> command = javaCommand();
		if (Files.isRegularFile(directory.resolve(name + ".jsa"))) {
			command.add("-XX:SharedArchiveFile=" + directory.resolve(name + ".jsa"));
		}
		command.add("-jar");
		command.add(jar.toString());
		return launch(command, port, log, startupTimeout, args);
	}

	/** Starts the server again with the same command (after {@link #kill()}), and waits until it reports UP. */
	void restart(Duration startupTimeout) throws IOException, InterruptedException {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException("Still running (pid " + this.process.pid() + ")");
		}
		start(startupTimeout);
	}

	int port() {
		return this.port;
	}

	boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Starts the server with the given arguments and waits until its health endpoint reports UP.
	 * @param port the HTTP and WebSocket port
	 * @param log where the child's standard output and error go
	 * @param startupTimeout how long the server may take to report UP
	 * @param args Spring Boot arguments, such as {@code --spring.r2dbc.url=...}
	 */
	static ServerProcess start(int port, Path log, Duration startupTimeout, List<String> args)
			throws IOException, InterruptedException {
		List<String> command = javaCommand();
		if (Files.isRegularFile(PACKAGED.resolve("sluice.jar"))) {
			// What users run: the extracted jar with its class data sharing archive (the build's package phase made
			// both, for this JVM).
			command.add("-XX:SharedArchiveFile=" + PACKAGED.resolve("sluice.jsa").toAbsolutePath());
			command.add("-jar");
			command.add(PACKAGED.resolve("sluice.jar").toAbsolutePath().toString());
		}
		else {
			// Run from an IDE without the package phase: the same application from the test class path.
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add(SluiceServer.class.getName());
		}
		return launch(command, port, log, startupTimeout, args);
	}

	/** The command line's start: this JVM's java launcher. */
	private static List<String> javaCommand() {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		return command;
	}

	/**
	 * Starts {@code launcher} (the java command up to the main class or jar) with the HTTP port and {@code args}, and
	 * waits until it reports UP; a server that does not is stopped before the failure is thrown.
	 */
	private static ServerProcess launch(List<String> launcher, int port, Path log, Duration startupTimeout,
			List<String> args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(launcher);
		command.add("--server.port=" + port);
		command.add("--spring.output.ansi.enabled=never");
		command.addAll(args);
		ServerProcess server = new ServerProcess(List.copyOf(command), port, log);
		try {
			server.start(startupTimeout);
			return server;
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			server.close();
			throw ex;
		}
	}

	/**
	 * A free port below the kernel's ephemeral range (32768 and up here). A port from that range can be taken, while
	 * the server is still starting, by an outgoing connection, including a health poll that connects to itself.
	 */
	static int freePort() throws IOException {
		java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
		for (int attempt = 0; attempt < 200; attempt++) {
			int port = 20_000 + random.nextInt(12_000);
			try (ServerSocket socket = new ServerSocket(port)) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				// taken: try another
			}
		}
		throw new IOException("No free port found between 20000 and 32000");
	}

	private void start(Duration startupTimeout) throws IOException, InterruptedException {
		Files.createDirectories(this.log.getParent());
		// A restart adds to the output of the run before.
		ProcessBuilder.Redirect output = (this.process != null) ? ProcessBuilder.Redirect.appendTo(this.log.toFile())
				: ProcessBuilder.Redirect.to(this.log.toFile());
		this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
			.redirectOutput(output)
			.start();
		await("Sluice server healthy on port " + this.port + " (its output is in " + this.log + ")")
			.atMost(startupTimeout)
			.pollDelay(Duration.ZERO)
			.pollInterval(POLL_INTERVAL)
			.until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("Sluice server exited with status " + this.process.exitValue()
							+ " before it was healthy; its output is in " + this.log);
				}
				return isHealthy();
			});
	}

	private boolean isHealthy() throws InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/health"))
			.timeout(HEALTH_REQUEST_TIMEOUT)
			.GET()
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"status\":\"UP\"");
		}
		catch (IOException ex) {
			return false;
		}
	}

	String webSocketUrl() {
		return "ws://localhost:" + this.port + "/deepstream";
	}

	/** The server's process id, for a script that kills it. */
	long pid() {
		return this.process.pid();
	}

	boolean alive() {
		return this.process != null && this.process.isAlive();
	}

	Path log() {
		return this.log;
	}

	/** Kills the server without giving it a chance to flush or close anything, and waits until it is gone. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("Sluice server (pid " + this.process.pid() + ") survived a kill for "
					+ EXIT_TIMEOUT);
		}
	}

	/** Stops the server politely if it is still running, and forcibly if it does not stop in time. */
	@Override
	public void close() {
		if (this.process == null || !this.process.isAlive()) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				kill();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	/** The last lines of the server's output, for a failure message. */
	String tail(int lines) {
		return Logs.tail(this.log, lines);
	}

	static final class Logs {

		private Logs() {
		}

		/**
		 * The failure with the last lines of each log that exists: in the failure itself, as the build sends the
		 * test's own output to a file.
		 */
		static AssertionError withTails(Throwable failure, List<Path> logs, int lines) {
			StringBuilder message = new StringBuilder(String.valueOf(failure.getMessage()));
			for (Path log : logs) {
				if (Files.exists(log)) {
					message.append(System.lineSeparator())
						.append("----- last ")
						.append(lines)
						.append(" lines of ")
						.append(log)
						.append(" -----")
						.append(System.lineSeparator())
						.append(tail(log, lines));
				}
			}
			return new AssertionError(message.toString(), failure);
		}

		static String tail(Path file, int lines) {
			if (!Files.exists(file)) {
				return "(no output at " + file + ")";
			}
			try {
				List<String> all = Files.readAllLines(file);
				return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
			}
			catch (IOException | UncheckedIOException ex) {
				return "(could not read " + file + ": " + ex + ")";
			}
		}

	}

}
