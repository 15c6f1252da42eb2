package io.sluice.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sluice servers in child JVMs that make one cluster: each node keeps its port, its data directory and its log across
 * kills and restarts, so that a client (or a proxy) that knew a node's address finds it again. Unlike the servers of
 * {@link InteropSupport#start}, they outlive a test, so that the tests of a class share them; a test starts what an
 * earlier one killed.
 */
final class ClusterNodes implements AutoCloseable {

	private static final int TAIL_LINES = 60;

	private final InteropSupport interop;

	private final String name;

	private final List<String> shared;

	private final Path dataDir;

	private final Duration startupTimeout;

	private final int[] ports;

	private final ServerProcess[] processes;

	private final int[] starts;

	private final List<Path> logs = new ArrayList<>();

	/**
	 * @param interop where the logs go
	 * @param name names the logs, {@code <name>-node-<n>.log} (and {@code -restart-<k>} after a restart)
	 * @param count how many nodes
	 * @param shared the arguments of every node
	 * @param dataDir under which each node has a directory of its own
	 */
	ClusterNodes(InteropSupport interop, String name, int count, List<String> shared, Path dataDir,
			Duration startupTimeout) throws IOException {
		this.interop = interop;
		this.name = name;
		this.shared = List.copyOf(shared);
		this.dataDir = dataDir;
		this.startupTimeout = startupTimeout;
		this.ports = new int[count];
		this.processes = new ServerProcess[count];
		this.starts = new int[count];
		for (int i = 0; i < count; i++) {
			this.ports[i] = ServerProcess.freePort();
		}
	}

	/** Starts every node that is not running, all at once, and waits until they are all healthy. */
	void startStopped() throws Exception {
		List<Integer> stopped = new ArrayList<>();
		for (int node = 1; node <= this.processes.length; node++) {
			if (!running(node)) {
				stopped.add(node);
			}
		}
		ExecutorService starting = Executors.newFixedThreadPool(Math.max(1, stopped.size()));
		try {
			List<Future<?>> started = new ArrayList<>();
			for (int node : stopped) {
				started.add(starting.submit(() -> {
					start(node);
					return null;
				}));
			}
			for (Future<?> future : started) {
				try {
					future.get();
				}
				catch (ExecutionException ex) {
					throw (ex.getCause() instanceof Exception cause) ? cause : ex;
				}
			}
		}
		finally {
			starting.shutdownNow();
		}
	}

	/** Starts node {@code node} (1-based) on its port and data directory, and waits until it is healthy. */
	void start(int node) throws IOException, InterruptedException {
		int index = node - 1;
		// one log per life of a node, so that a failure shows the node's life before a kill too
		this.starts[index]++;
		String suffix = (this.starts[index] == 1) ? "" : "-restart-" + (this.starts[index] - 1);
		Path log = this.interop.log(this.name + "-node-" + node + suffix + ".log");
		Files.deleteIfExists(log);
		this.logs.add(log);
		List<String> args = new ArrayList<>(this.shared);
		args.add("--sluice.data-dir=" + this.dataDir.resolve("node-" + node));
		this.processes[index] = ServerProcess.start(this.ports[index], log, this.startupTimeout, args);
	}

	/** Kills node {@code node} with SIGKILL and waits until it is gone. */
	void kill(int node) throws InterruptedException {
		this.processes[node - 1].kill();
	}

	boolean running(int node) {
		ServerProcess process = this.processes[node - 1];
		return process != null && process.alive();
	}

	long pid(int node) {
		return this.processes[node - 1].pid();
	}

	int port(int node) {
		return this.ports[node - 1];
	}

	List<String> webSocketUrls() {
		List<String> urls = new ArrayList<>();
		for (int port : this.ports) {
			urls.add("ws://localhost:" + port + "/deepstream");
		}
		return urls;
	}

	/** The failure with the last lines of every node's log. */
	AssertionError withOutput(Throwable failure) {
		return ServerProcess.Logs.withTails(failure, this.logs, TAIL_LINES);
	}

	@Override
	public void close() {
		for (ServerProcess process : this.processes) {
			if (process != null) {
				process.close();
			}
		}
	}

}
