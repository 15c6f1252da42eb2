package io.sluice.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a process's CPU time and resident memory from {@code /proc} (Linux): CPU as the share of one core used
 * between {@link #start()} and {@link #stop()}, RSS as the largest and the last value seen.
 */
final class ProcessSampler implements AutoCloseable {

	/** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on every Linux this runs on. */
	private static final double TICKS_PER_SECOND = 100.0;

	private final long pid;

	private final ScheduledExecutorService timer;

	private volatile long maxRssKib;

	private volatile long lastRssKib;

	private long startTicks;

	private long startNanos;

	private double cpuCores;

	ProcessSampler(long pid) {
		this.pid = pid;
		this.timer = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "proc-sampler");
			thread.setDaemon(true);
			return thread;
		});
	}

	static boolean available(long pid) {
		return pid > 0 && Files.isReadable(Path.of("/proc/" + pid + "/stat"));
	}

	void start() {
		this.maxRssKib = 0;
		this.startTicks = cpuTicks(this.pid);
		this.startNanos = System.nanoTime();
		this.timer.scheduleAtFixedRate(this::sample, 0, 250, TimeUnit.MILLISECONDS);
	}

	void stop() {
		this.timer.shutdownNow();
		sample();
		double seconds = (System.nanoTime() - this.startNanos) / 1e9;
		this.cpuCores = (cpuTicks(this.pid) - this.startTicks) / TICKS_PER_SECOND / seconds;
	}

	/** Average CPU over the sampled window, in cores (1.0 = one core busy). */
	double cpuCores() {
		return this.cpuCores;
	}

	long maxRssKib() {
		return this.maxRssKib;
	}

	long lastRssKib() {
		return this.lastRssKib;
	}

	private void sample() {
		long rss = rssKib(this.pid);
		if (rss > 0) {
			this.lastRssKib = rss;
			this.maxRssKib = Math.max(this.maxRssKib, rss);
		}
	}

	/** Resident set size in KiB, from {@code VmRSS} of {@code /proc/<pid>/status}; -1 if unreadable. */
	static long rssKib(long pid) {
		return statusKib(pid, "VmRSS:");
	}

	/**
	 * The anonymous part of the resident set in KiB ({@code RssAnon} of {@code /proc/<pid>/status}): heap, stacks,
	 * the JVM's own memory, without the pages of mapped files (jars, the JDK's libraries, a journal's segments);
	 * -1 if unreadable.
	 */
	static long rssAnonKib(long pid) {
		return statusKib(pid, "RssAnon:");
	}

	/** A size in KiB from {@code /proc/<pid>/status}, the line starting with {@code field}; -1 if unreadable. */
	private static long statusKib(long pid, String field) {
		try {
			List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
			for (String line : lines) {
				if (line.startsWith(field)) {
					return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// The process is gone or not Linux: report nothing rather than fail the run.
		}
		return -1;
	}

	/** utime + stime of {@code /proc/<pid>/stat}, in clock ticks; -1 if unreadable. */
	static long cpuTicks(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			// The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
	}

}
