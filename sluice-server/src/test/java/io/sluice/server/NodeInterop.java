package io.sluice.server;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Node.js side of the interop tests: finds {@code node} and {@code npm}, installs the pinned
 * {@code @deepstream/client} from {@code clients/node-interop}, and runs its scenario scripts, which print
 * one JSON line per check.
 */
final class NodeInterop {

	static final int MINIMUM_NODE_MAJOR = 18;

	private static final Pattern NODE_VERSION = Pattern.compile("v?(\\d+)\\..*");

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Path node;

	private final Path npm;

	private final Path directory;

	private final Path logs;

	private NodeInterop(Path node, Path npm, Path directory, Path logs) {
		this.node = node;
		this.npm = npm;
		this.directory = directory;
		this.logs = logs;
	}

	/**
	 * The Node tools on the {@code PATH}, or why they cannot be used.
	 * @param directory the scenario's directory ({@code clients/node-interop})
	 * @param logs where the output of npm and of each scenario run goes
	 */
	static Found find(Path directory, Path logs) throws IOException, InterruptedException {
		Optional<Path> node = onPath("node");
		Optional<Path> npm = onPath("npm");
		if (node.isEmpty() || npm.isEmpty()) {
			return new Found(null, "node and npm must be on the PATH (found node=" + node.orElse(null) + ", npm="
					+ npm.orElse(null) + ")");
		}
		String version = output(List.of(node.get().toString(), "--version"), Duration.ofSeconds(30)).trim();
		Matcher matcher = NODE_VERSION.matcher(version);
		if (!matcher.matches() || Integer.parseInt(matcher.group(1)) < MINIMUM_NODE_MAJOR) {
			return new Found(null, node.get() + " is version '" + version + "'");
		}
		return new Found(new NodeInterop(node.get(), npm.get(), directory, logs), node.get() + " " + version);
	}

	/** Installs exactly what the lock file says ({@code npm ci}), or resolves afresh when there is none. */
	void install(Duration timeout) throws IOException, InterruptedException {
		boolean locked = Files.exists(this.directory.resolve("package-lock.json"));
		List<String> command = List.of(this.npm.toString(), locked ? "ci" : "install", "--no-audit", "--no-fund");
		Path log = this.logs.resolve("npm-" + command.get(1) + ".log");
		Process process = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		int status = awaitExit(process, timeout, "npm " + command.get(1));
		if (status != 0) {
			throw new IllegalStateException("npm " + command.get(1) + " in " + this.directory + " exited with " + status
					+ ":" + System.lineSeparator() + ServerProcess.Logs.tail(log, 40));
		}
	}

	/**
	 * Runs one phase of {@code records-events.js} against a server and returns what it printed.
	 * @param arguments the script's arguments after its name: url, phase, prefix, ...
	 */
	Run run(String name, List<String> arguments, Duration timeout) throws IOException, InterruptedException {
		return run("records-events.js", name, arguments, Map.of(), timeout);
	}

	/**
	 * Runs one of the scripts to its end and returns what it printed.
	 * @param script the script's file name in the scenario's directory
	 * @param name names the run and its output files
	 * @param arguments the script's arguments after its name
	 * @param environment more environment variables for the script, such as the server's timeouts
	 */
	Run run(String script, String name, List<String> arguments, Map<String, String> environment, Duration timeout)
			throws IOException, InterruptedException {
		Path stdout = this.logs.resolve(name + ".out");
		Path stderr = this.logs.resolve(name + ".err");
		ProcessBuilder builder = script(script, arguments).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
		builder.environment().putAll(environment);
		int status = awaitExit(builder.start(), timeout, "scenario " + name);
		List<Check> checks = new ArrayList<>();
		for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
			if (!line.isBlank()) {
				checks.add(Check.parse(line));
			}
		}
		return new Run(name, status, List.copyOf(checks), ServerProcess.Logs.tail(stderr, 40));
	}

	/** A script of the scenario's directory, to start as it is or with its output redirected. */
	ProcessBuilder script(String script, List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(this.node.toString());
		command.add(script);
		command.addAll(arguments);
		return new ProcessBuilder(command).directory(this.directory.toFile());
	}

	private static int awaitExit(Process process, Duration timeout, String what) throws InterruptedException {
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(what + " did not finish within " + timeout);
			}
			return process.exitValue();
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static String output(List<String> command, Duration timeout) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		// the output of --version is tiny, so reading it before waiting cannot block the child
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		awaitExit(process, timeout, String.join(" ", command));
		return output;
	}

	private static Optional<Path> onPath(String executable) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String entry : path.split(Pattern.quote(File.pathSeparator))) {
			if (entry.isBlank()) {
				continue;
			}
			for (String suffix : List.of("", ".cmd", ".exe")) {
				Path candidate = Path.of(entry, executable + suffix);
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return Optional.of(candidate);
				}
			}
		}
		return Optional.empty();
	}

	/** Either usable Node tools, or a reason why there are none. */
	record Found(NodeInterop interop, String description) {

		boolean usable() {
			return this.interop != null;
		}

	}

	/** One line of the scenario's output. */
	record Check(String name, boolean ok, JsonNode detail, String line) {

		static Check parse(String line) {
			try {
				JsonNode node = json.readTree(line);
				return new Check(node.path("check").asString(), node.path("ok").asBoolean(false), node.path("detail"),
						line);
			}
			catch (RuntimeException ex) {
				return new Check("unparseable-output", false, null, line);
			}
		}

	}

	/** What one phase of the scenario printed, and how it exited. */
	record Run(String name, int exitStatus, List<Check> checks, String stderrTail) {

		List<Check> failed() {
			return this.checks.stream().filter((check) -> !check.ok()).toList();
		}

		Optional<Check> check(String name) {
			return this.checks.stream().filter((check) -> check.name().equals(name)).findFirst();
		}

		String describe() {
			StringBuilder description = new StringBuilder("scenario '").append(this.name)
				.append("' exited with ")
				.append(this.exitStatus)
				.append(System.lineSeparator());
			this.checks.forEach((check) -> description.append("  ").append(check.line()).append(System.lineSeparator()));
			if (!this.stderrTail.isBlank()) {
				description.append("  stderr:").append(System.lineSeparator()).append(this.stderrTail);
			}
			return description.toString();
		}

	}

}
