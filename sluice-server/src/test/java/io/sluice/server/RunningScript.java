package io.sluice.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One of the {@code clients/node-interop} scripts running in a child process while the test acts on the server (stops
 * it, kills it, starts it again), its check lines collected as they are printed, so the test can wait for one of them.
 */
final class RunningScript implements AutoCloseable {

	private static final Duration OUTPUT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

	private static final int STDERR_TAIL_LINES = 40;

	private final String name;

	private final Process process;

	private final Path stderr;

	private final CompletableFuture<Void> ended;

	// guarded by this
	private final List<NodeInterop.Check> checks = new ArrayList<>();

	// guarded by this
	private final Map<String, CompletableFuture<NodeInterop.Check>> awaited = new HashMap<>();

	// guarded by this
	private boolean outputEnded;

	private RunningScript(String name, Process process, Path stderr) {
		this.name = name;
		this.process = process;
		this.stderr = stderr;
		this.ended = CompletableFuture.runAsync(this::read);
	}

	/**
	 * Starts a script; its standard error goes to {@code <name>.err} beside the other interop logs.
	 * @param script the script's file name in {@code clients/node-interop}
	 * @param name names the run and its output file
	 * @param arguments the script's arguments after its name
	 */
	static RunningScript start(InteropSupport interop, String script, String name, List<String> arguments)
			throws IOException {
		Path stderr = interop.log(name + ".err");
		Process process = interop.node().script(script, arguments).redirectError(stderr.toFile()).start();
		return new RunningScript(name, process, stderr);
	}

	/** Asserts that the run printed every expected check, none failed, and it exited with 0. */
	static void assertPassed(NodeInterop.Run run, String... expectedChecks) {
		assertThat(run.failed()).as(run::describe).isEmpty();
		assertThat(run.checks()).as(run::describe).extracting(NodeInterop.Check::name).contains(expectedChecks);
		assertThat(run.exitStatus()).as(run::describe).isZero();
	}

	private void read() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				if (!line.isBlank()) {
					printed(NodeInterop.Check.parse(line));
				}
			}
		}
		catch (IOException ex) {
			printed(new NodeInterop.Check("unreadable-output", false, null, ex.toString()));
		}
		finally {
			synchronized (this) {
				this.outputEnded = true;
				this.awaited.values()
					.forEach((check) -> check.completeExceptionally(new IllegalStateException("the script ended")));
			}
		}
	}

	private synchronized void printed(NodeInterop.Check check) {
		this.checks.add(check);
		CompletableFuture<NodeInterop.Check> waiting = this.awaited.remove(check.name());
		if (waiting != null) {
			waiting.complete(check);
		}
	}

	/**
	 * Waits until the script prints a check and returns it, passed or not.
	 * @throws AssertionError when the script ends or the timeout passes first, with what it printed
	 */
	NodeInterop.Check awaitCheck(String check, Duration timeout) throws InterruptedException {
		CompletableFuture<NodeInterop.Check> printed;
		synchronized (this) {
			printed = this.checks.stream()
				.filter((seen) -> seen.name().equals(check))
				.findFirst()
				.map(CompletableFuture::completedFuture)
				.orElse(null);
			if (printed == null) {
				if (this.outputEnded) {
					throw new AssertionError("check '" + check + "' never printed: " + snapshot().describe());
				}
				printed = this.awaited.computeIfAbsent(check, (name) -> new CompletableFuture<>());
			}
		}
		try {
			return printed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new AssertionError("check '" + check + "' not printed within " + timeout + ": " + snapshot().describe(),
					ex);
		}
	}

	/** Writes a line to the script's standard input, for a script that waits to be told what the test did. */
	void tell(String line) throws IOException {
		java.io.OutputStream input = this.process.getOutputStream();
		input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		input.flush();
	}

	/** Waits for the script to end (killing it after the timeout) and returns what it printed. */
	NodeInterop.Run awaitExit(Duration timeout) throws InterruptedException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			this.process.destroyForcibly();
			this.process.waitFor(OUTPUT_DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		try {
			this.ended.get(OUTPUT_DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("reading the output of " + this.name + " did not end", ex);
		}
		return snapshot();
	}

	/** Kills the script if it still runs, as when the test failed before it could end. */
	@Override
	public void close() {
		this.process.destroyForcibly();
	}

	private synchronized NodeInterop.Run snapshot() {
		int status = this.process.isAlive() ? -1 : this.process.exitValue();
		return new NodeInterop.Run(this.name, status, List.copyOf(this.checks),
				ServerProcess.Logs.tail(this.stderr, STDERR_TAIL_LINES));
	}

}
