package io.sluice.gateway.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

import io.sluice.gateway.metrics.GatewayCounters;
import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.transport.OutboundPolicy;
import io.sluice.gateway.transport.WebSocketFrames;

/**
 * One message going to many connections, encoded once per encoding (binary, or the JSON endpoint's text) and framed
 * once per event loop: the subscribers are handed over in one task per loop, which builds the WebSocket frame into
 * one direct buffer, writes a view of it to each of its subscribers and then queues itself again to flush all of
 * them, behind whatever else the loop has queued by then (so a loop that falls behind writes many messages per
 * system call).
 *
 * <p>The frame is built on each loop rather than once for all: a buffer shared by every loop has its reference count
 * changed by all of them, once per subscriber, and that one contended counter cost more than the whole write (JFR,
 * 100 subscribers); a copy of ~100 bytes per loop costs nothing by comparison.
 *
 * <p>With one subscriber (or a few, on one loop, in one encoding) a fan-out allocates the fan-out, one batch and
 * its array, and the frame; lists appear only for a second loop or a second encoding.
 */
public final class Fanout {

	private final Encoding binary;

	/** The payload in each other encoding met so far (the JSON endpoint's), converted once per fan-out. */
	private List<Encoding> converted;

	private LoopBatch firstBatch;

	private List<LoopBatch> moreBatches;

	private Fanout(byte[] binary) {
		this.binary = new Encoding(FrameCodec.BINARY, binary);
	}

	/**
	 * Sends a frame encoded by {@link io.sluice.gateway.protocol.MessageCodec} to {@code connections} but the one
	 * whose id is {@code exceptId}.
	 * @return how many it was sent to
	 */
	public static int send(Connection[] connections, byte[] binary, String exceptId) {
		Fanout fanout = new Fanout(binary);
		int expected = connections.length;
		int count = 0;
		for (Connection connection : connections) {
			if (!connection.id().equals(exceptId)) {
				count++;
				if (connection.isOpen()) {
					Encoding encoding = fanout.encoding(connection.codec());
					if (connection.reserve(encoding.charge)) {
						fanout.add(connection, encoding, expected);
					}
				}
			}
		}
		if (fanout.firstBatch != null) {
			fanout.firstBatch.start();
			if (fanout.moreBatches != null) {
				fanout.moreBatches.forEach(LoopBatch::start);
			}
		}
		GatewayCounters.fanout(binary, count);
		return count;
	}

	private void add(Connection connection, Encoding encoding, int expected) {
		EventLoop loop = connection.eventLoop();
		if (this.firstBatch == null) {
			this.firstBatch = new LoopBatch(loop, encoding, expected);
			this.firstBatch.add(connection, encoding);
			return;
		}
		if (this.firstBatch.loop == loop) {
			this.firstBatch.add(connection, encoding);
			return;
		}
		if (this.moreBatches == null) {
			this.moreBatches = new ArrayList<>(4);
		}
		for (LoopBatch batch : this.moreBatches) {
			if (batch.loop == loop) {
				batch.add(connection, encoding);
				return;
			}
		}
		LoopBatch batch = new LoopBatch(loop, encoding, expected);
		batch.add(connection, encoding);
		this.moreBatches.add(batch);
	}

	private Encoding encoding(FrameCodec codec) {
		if (codec == FrameCodec.BINARY) {
			return this.binary;
		}
		if (this.converted == null) {
			this.converted = new ArrayList<>(1);
		}
		for (Encoding encoding : this.converted) {
			if (encoding.codec == codec) {
				return encoding;
			}
		}
		Encoding encoding = new Encoding(codec, codec.fromBinary(this.binary.payload));
		this.converted.add(encoding);
		return encoding;
	}

	/** A payload in one encoding, and what its frame counts against a subscriber's outbound budget. */
	private record Encoding(FrameCodec codec, byte[] payload, int charge) {

		Encoding(FrameCodec codec, byte[] payload) {
			this(codec, payload, OutboundPolicy.charge(payload.length));
		}

	}

	/**
	 * The subscribers on one event loop, and the encoding each takes. Runs twice on that loop: first it writes to
	 * every subscriber, then, queued again behind what the loop had queued meanwhile, it flushes those it wrote to.
	 */
	private static final class LoopBatch implements Runnable {

		/** A batch's first array: no larger than this, as subscribers spread over several loops. */
		private static final int INITIAL_CAPACITY = 16;

		private final EventLoop loop;

		/** The encoding of every subscriber while {@link #encodings} is {@code null}. */
		private final Encoding encoding;

		/** After the writes: only those whose channel needs the flush, the others set to {@code null}. */
		private Connection[] connections;

		/** Each subscriber's encoding, once two are in the batch. */
		private Encoding[] encodings;

		private int size;

		private boolean written;

		LoopBatch(EventLoop loop, Encoding encoding, int expected) {
			this.loop = loop;
			this.encoding = encoding;
			this.connections = new Connection[Math.max(1, Math.min(expected, INITIAL_CAPACITY))];
		}

		void add(Connection connection, Encoding encoding) {
			if (this.size == this.connections.length) {
				this.connections = Arrays.copyOf(this.connections, this.size * 2);
				if (this.encodings != null) {
					this.encodings = Arrays.copyOf(this.encodings, this.size * 2);
				}
			}
			if (this.encodings == null && encoding != this.encoding) {
				this.encodings = new Encoding[this.connections.length];
				Arrays.fill(this.encodings, 0, this.size, this.encoding);
			}
			if (this.encodings != null) {
				this.encodings[this.size] = encoding;
			}
			this.connections[this.size++] = connection;
		}

		void start() {
			try {
				this.loop.execute(this);
			}
			catch (RejectedExecutionException ex) {
				// The loop has shut down with its sockets: nothing to write to.
			}
		}

		@Override
		public void run() {
			if (!this.written) {
				this.written = true;
				if (write()) {
					start();
				}
			}
			else {
				for (int i = 0; i < this.size; i++) {
					if (this.connections[i] != null) {
						this.connections[i].outbound().flush();
					}
				}
			}
		}

		/** Writes the frame to every subscriber; returns whether any of them needs the flush. */
		private boolean write() {
			boolean flush = false;
			Encoding framed = null;
			ByteBuf frame = null;
			// A second frame only for a batch of mixed encodings: they are released together at the end.
			List<ByteBuf> earlierFrames = null;
			try {
				for (int i = 0; i < this.size; i++) {
					Connection connection = this.connections[i];
					Encoding encoding = (this.encodings != null) ? this.encodings[i] : this.encoding;
					if (encoding != framed) {
						if (frame != null) {
							if (earlierFrames == null) {
								earlierFrames = new ArrayList<>(2);
							}
							earlierFrames.add(frame);
						}
						framed = encoding;
						frame = WebSocketFrames.frame(connection.channelAllocator(), encoding.codec.isText(),
								encoding.payload);
					}
					// Each subscriber's write owns one reference, released once the socket has taken it; the last one
					// is handed the frame itself.
					ByteBuf own;
					if (i == this.size - 1) {
						own = frame;
						frame = null;
					}
					else {
						own = frame.retainedDuplicate();
					}
					if (connection.outbound().write(own)) {
						flush = true;
					}
					else {
						this.connections[i] = null;
					}
				}
			}
			finally {
				if (frame != null) {
					frame.release();
				}
				if (earlierFrames != null) {
					earlierFrames.forEach(ByteBuf::release);
				}
			}
			return flush;
		}

	}

}
