package io.sluice.bench.load;

import java.time.Duration;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The measured window of a run: latencies recorded only while it is open, and the server's and this process's CPU
 * and RSS sampled over it.
 */
final class Measurement implements AutoCloseable {

	private final Recorder latencies = new Recorder(Duration.ofSeconds(60).toNanos(), 3);

	private final ProcessSampler server;

	private final ProcessSampler client = new ProcessSampler(ProcessHandle.current().pid());

	private volatile boolean open;

	private long startNanos;

	private long endNanos;

	private Histogram histogram;

	Measurement(long serverPid) {
		this.server = ProcessSampler.available(serverPid) ? new ProcessSampler(serverPid) : null;
	}

	/** Records one latency, in nanoseconds, if the window is open; from any thread. */
	void record(long nanos) {
		if (this.open && nanos >= 0) {
			this.latencies.recordValue(Math.min(nanos, Duration.ofSeconds(60).toNanos()));
		}
	}

	boolean isOpen() {
		return this.open;
	}

	void open() {
		this.latencies.getIntervalHistogram();
		if (this.server != null) {
			this.server.start();
		}
		this.client.start();
		this.startNanos = System.nanoTime();
		this.open = true;
	}

	void closeAfter(Duration measured) {
		sleep(measured);
		this.open = false;
		this.endNanos = System.nanoTime();
		this.histogram = this.latencies.getIntervalHistogram();
		if (this.server != null) {
			this.server.stop();
		}
		this.client.stop();
	}

	double seconds() {
		return (this.endNanos - this.startNanos) / 1e9;
	}

	Histogram histogram() {
		return this.histogram;
	}

	double percentileMicros(double percentile) {
		return (this.histogram.getTotalCount() == 0) ? Double.NaN
				: this.histogram.getValueAtPercentile(percentile) / 1000.0;
	}

	double maxMicros() {
		return (this.histogram.getTotalCount() == 0) ? Double.NaN : this.histogram.getMaxValue() / 1000.0;
	}

	double serverCpu() {
		return (this.server != null) ? this.server.cpuCores() : Double.NaN;
	}

	long serverRssKib() {
		return (this.server != null) ? this.server.maxRssKib() : -1;
	}

	double clientCpu() {
		return this.client.cpuCores();
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	@Override
	public void close() {
		if (this.server != null) {
			this.server.close();
		}
		this.client.close();
	}

}
