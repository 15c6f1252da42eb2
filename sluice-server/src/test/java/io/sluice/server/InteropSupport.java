package io.sluice.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the tests that drive the real {@code @deepstream/client} share: the client installed once per test class,
 * each test skipped (loudly) when Node.js is missing, the servers a test started in child JVMs stopped after it,
 * and their output in a failure's message. A test class registers it as an extension:
 * {@code @RegisterExtension static final InteropSupport interop = new InteropSupport("my-interop");}
 */
final class InteropSupport implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {

	private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);

	private static final int TAIL_LINES = 60;

	private static final Path MODULE_DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

	private static final Path INTEROP_DIR = MODULE_DIR.resolve("../clients/node-interop").normalize();

	private static final Path DEEPSTREAM_DIR = MODULE_DIR.resolve("../bench/peers/deepstream").normalize();

	private static final String DEEPSTREAM_COMMAND = "node_modules/@deepstream/server/dist/bin/deepstream";

	private final Path logs;

	private NodeInterop.Found found;

	private NodeInterop deepstream;

	private final List<ServerProcess> servers = new ArrayList<>();

	private final List<Path> serverLogs = new ArrayList<>();

	/** @param logsDir the directory under {@code target} for npm's, the scripts' and the servers' output */
	InteropSupport(String logsDir) {
		this.logs = MODULE_DIR.resolve("target").resolve(logsDir);
	}

	/** Finds Node.js and installs the pinned client, or says on the console why the test class will be skipped. */
	@Override
	public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
		Files.createDirectories(this.logs);
		this.found = NodeInterop.find(INTEROP_DIR, this.logs);
		if (this.found.usable()) {
			this.found.interop().install(NPM_TIMEOUT);
		}
		else {
			System.err.println("!!! " + context.getRequiredTestClass().getSimpleName() + " is SKIPPED: it needs Node.js "
					+ NodeInterop.MINIMUM_NODE_MAJOR + "+ and npm on the PATH to run the real @deepstream/client; "
					+ this.found.description() + " !!!");
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		assumeNode();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		stopServers();
	}

	boolean usable() {
		return this.found.usable();
	}

	/** Assumed per test rather than in {@code @BeforeAll}, so that the build reports each test as skipped. */
	void assumeNode() {
		assumeTrue(this.found.usable(), () -> "Node.js " + NodeInterop.MINIMUM_NODE_MAJOR
				+ "+ and npm are needed: " + this.found.description());
	}

	NodeInterop node() {
		return this.found.interop();
	}

	/**
	 * deepstream 7.0.2's own command ({@code @deepstream/server}, installed from {@code bench/peers/deepstream} the
	 * first time a test of the class asks for it), to start as it is or with its output redirected.
	 * @param arguments its arguments, such as {@code start -c deepstream.yml} or {@code hash <password>}
	 */
	ProcessBuilder deepstream(List<String> arguments) throws IOException, InterruptedException {
		assumeNode();
		if (this.deepstream == null) {
			NodeInterop.Found tools = NodeInterop.find(DEEPSTREAM_DIR, this.logs);
			if (!tools.usable()) {
				throw new IllegalStateException("Node.js for deepstream: " + tools.description());
			}
			tools.interop().install(NPM_TIMEOUT);
			this.deepstream = tools.interop();
		}
		return this.deepstream.script(DEEPSTREAM_COMMAND, arguments);
	}

	Path log(String name) {
		return this.logs.resolve(name);
	}

	/**
	 * Starts a server whose output goes to {@code logName}; it is stopped by {@link #stopServers()} and its output
	 * is part of {@link #withServerOutput(Throwable)}, even when it never became healthy.
	 */
	ServerProcess start(int port, String logName, Duration startupTimeout, List<String> args)
			throws IOException, InterruptedException {
		Path log = log(logName);
		// a failure must not show what an earlier run left in the same file
		Files.deleteIfExists(log);
		this.serverLogs.add(log);
		ServerProcess server = ServerProcess.start(port, log, startupTimeout, args);
		this.servers.add(server);
		return server;
	}

	void stopServers() {
		this.servers.forEach(ServerProcess::close);
		this.servers.clear();
		this.serverLogs.clear();
	}

	/**
	 * The failure with the last lines of every server this test started: in the failure itself, as the build sends
	 * the test's own output to a file.
	 */
	AssertionError withServerOutput(Throwable failure) {
		return ServerProcess.Logs.withTails(failure, this.serverLogs, TAIL_LINES);
	}

}
