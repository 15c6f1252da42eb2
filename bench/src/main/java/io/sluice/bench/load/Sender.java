package io.sluice.bench.load;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;

import io.sluice.bench.wire.FrameWriter;

/**
 * Sends frames from one connection, on that connection's event loop, either at a fixed rate or as fast as a window
 * allows: at most {@code window} frames sent but not yet received by the slowest of the receivers (at a fixed rate the
 * window still applies, so a server that falls behind is not buried under an unbounded backlog: the rate achieved
 * then shows it). Never writes past the channel's high-water mark, so the load generator cannot pile up memory.
 */
final class Sender implements Runnable {

	/** Encodes the next frame, stamped with its send time ({@link System#nanoTime()}), on the sender's event loop. */
	@FunctionalInterface
	interface Source {

		/** The finished frame, in a writer the source may reuse for the next one. */
		FrameWriter next(long nanos);

	}

	private static final int BATCH = 128;

	private final ClientConnection connection;

	private final EventLoop loop;

	private final Source frames;

	private final int rate;

	private final int window;

	private final List<ClientConnection> receivers;

	private final long[] baselines;

	/** The receiver found slowest last time. */
	private int slowest;

	private volatile boolean running;

	private volatile long sent;

	private long startNanos;

	/**
	 * @param frames encodes the next frame
	 * @param rate frames per second, or 0 to be limited by the window only
	 * @param window most frames in flight to the slowest receiver; 0 for no window
	 * @param receivers whose {@link ClientConnection#received} counts deliveries, from the moment this is created
	 */
	Sender(ClientConnection connection, Source frames, int rate, int window,
			List<ClientConnection> receivers) {
		this.connection = connection;
		this.loop = connection.channel().eventLoop();
		this.frames = frames;
		this.rate = rate;
		this.window = window;
		this.receivers = receivers;
		this.baselines = new long[receivers.size()];
		for (int i = 0; i < this.baselines.length; i++) {
			this.baselines[i] = receivers.get(i).received;
		}
	}

	void start() {
		this.running = true;
		this.startNanos = System.nanoTime();
		this.loop.execute(this);
	}

	void stop() {
		this.running = false;
	}

	long sent() {
		return this.sent;
	}

	/** Frames the slowest receiver has had since this sender was created. */
	long slowestDelivered() {
		return (this.baselines.length == 0) ? 0 : delivered(slowestReceiver());
	}

	/**
	 * Frames the window has free; on the sender's loop. While the window is shut, the sender looks every 100 µs; with
	 * 1,000 receivers, reading every counter each time made the task that runs it 6% of the load generator's samples
	 * (perf, events S=1000 against deepstream). So the receiver found slowest last time is read first: no receiver
	 * has had fewer frames than the slowest, so a window that one shuts is shut.
	 */
	private long windowFree() {
		long free = this.window - (this.sent - delivered(this.slowest));
		if (free <= 0) {
			return 0;
		}
		this.slowest = slowestReceiver();
		return Math.max(0, this.window - (this.sent - delivered(this.slowest)));
	}

	/** The index of the receiver that has had the fewest frames; there is at least one receiver. */
	private int slowestReceiver() {
		int slowest = 0;
		for (int i = 1; i < this.baselines.length; i++) {
			if (delivered(i) < delivered(slowest)) {
				slowest = i;
			}
		}
		return slowest;
	}

	private long delivered(int receiver) {
		return this.receivers.get(receiver).received - this.baselines[receiver];
	}

	@Override
	public void run() {
		if (!this.running) {
			return;
		}
		long now = System.nanoTime();
		long allowed = BATCH;
		if (this.rate > 0) {
			long due = (long) ((now - this.startNanos) * (this.rate / 1e9));
			allowed = Math.min(allowed, due - this.sent);
		}
		if (this.window > 0 && !this.receivers.isEmpty()) {
			allowed = Math.min(allowed, windowFree());
		}
		int written = 0;
		long sent = this.sent;
		while (written < allowed && this.connection.isWritable()) {
			this.connection.write(this.frames.next(System.nanoTime()));
			written++;
			sent++;
		}
		this.sent = sent;
		if (written > 0) {
			this.connection.flush();
		}
		if (written == BATCH) {
			// More may be due at once: go again, after whatever reads are waiting on this loop.
			this.loop.execute(this);
		}
		else if (this.rate > 0 && written == allowed) {
			// Caught up with the rate: sleep until the next frame is due (at least 100 µs, at most 1 ms).
			long dueNanos = this.startNanos + (long) ((sent + 1) * (1e9 / this.rate));
			long delay = Math.max(100_000, Math.min(1_000_000, dueNanos - System.nanoTime()));
			this.loop.schedule(this, delay, TimeUnit.NANOSECONDS);
		}
		else {
			// Held back by the window or the high-water mark: look again shortly.
			this.loop.schedule(this, 100, TimeUnit.MICROSECONDS);
		}
	}

}
