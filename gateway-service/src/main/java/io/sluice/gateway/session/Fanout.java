package io.sluice.gateway.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

import io.sluice.gateway.protocol.FrameCodec;

/**
 * One message going to many connections, encoded once per encoding (binary, or the JSON endpoint's text) and framed
 * once per event loop: the subscribers are handed over in one task per loop, which builds the WebSocket frame into
 * one direct buffer, writes a view of it to each of its subscribers and then queues one flush for all of them, behind
 * whatever else the loop has queued by then (so a loop that falls behind writes many messages per system call).
 *
 * <p>The frame is built on each loop rather than once for all: a buffer shared by every loop has its reference count
 * changed by all of them, once per subscriber, and that one contended counter cost more than the whole write (JFR,
 * 100 subscribers); a copy of ~100 bytes per loop costs nothing by comparison.
 */
final class Fanout {

	private final byte[] binary;

	private final List<Encoding> encodings = new ArrayList<>(1);

	private final List<LoopBatch> batches = new ArrayList<>(4);

	private Fanout(byte[] binary) {
		this.binary = binary;
	}

	/**
	 * Sends a frame encoded by {@link io.sluice.gateway.protocol.MessageCodec} to {@code connections} but the one
	 * whose id is {@code exceptId}.
	 * @return how many it was sent to
	 */
	static int send(Iterable<Connection> connections, byte[] binary, String exceptId) {
		Fanout fanout = new Fanout(binary);
		int count = 0;
		for (Connection connection : connections) {
			if (!connection.id().equals(exceptId)) {
				count++;
				if (connection.isOpen() && connection.reserve()) {
					fanout.add(connection);
				}
			}
		}
		for (LoopBatch batch : fanout.batches) {
			try {
				batch.loop.execute(batch);
			}
			catch (RejectedExecutionException ex) {
				// The loop has shut down with its sockets: nothing to write to.
			}
		}
		return count;
	}

	private void add(Connection connection) {
		Encoding encoding = encoding(connection.codec());
		EventLoop loop = connection.eventLoop();
		for (LoopBatch batch : this.batches) {
			if (batch.loop == loop) {
				batch.add(connection, encoding);
				return;
			}
		}
		LoopBatch batch = new LoopBatch(loop);
		batch.add(connection, encoding);
		this.batches.add(batch);
	}

	private Encoding encoding(FrameCodec codec) {
		for (Encoding encoding : this.encodings) {
			if (encoding.codec == codec) {
				return encoding;
			}
		}
		Encoding encoding = new Encoding(codec, codec.fromBinary(this.binary));
		this.encodings.add(encoding);
		return encoding;
	}

	private record Encoding(FrameCodec codec, byte[] payload) {
	}

	/** The subscribers on one event loop, and the encoding each takes; run on that loop. */
	private static final class LoopBatch implements Runnable {

		private final EventLoop loop;

		private final List<Connection> connections = new ArrayList<>();

		private final List<Encoding> encodings = new ArrayList<>();

		LoopBatch(EventLoop loop) {
			this.loop = loop;
		}

		void add(Connection connection, Encoding encoding) {
			this.connections.add(connection);
			this.encodings.add(encoding);
		}

		@Override
		public void run() {
			List<Outbound> toFlush = null;
			Encoding framed = null;
			ByteBuf frame = null;
			List<ByteBuf> frames = new ArrayList<>(1);
			try {
				for (int i = 0; i < this.connections.size(); i++) {
					Connection connection = this.connections.get(i);
					Encoding encoding = this.encodings.get(i);
					if (encoding != framed) {
						framed = encoding;
						frame = WebSocketFrames.frame(connection.channelAllocator(), encoding.codec.isText(),
								encoding.payload);
						frames.add(frame);
					}
					Outbound outbound = connection.outbound();
					// Each subscriber's write owns one reference, released once the socket has taken it.
					if (outbound.write(frame.retainedDuplicate())) {
						if (toFlush == null) {
							toFlush = new ArrayList<>(this.connections.size() - i);
						}
						toFlush.add(outbound);
					}
				}
			}
			finally {
				frames.forEach(ByteBuf::release);
			}
			if (toFlush != null) {
				List<Outbound> flushing = toFlush;
				this.loop.execute(() -> flushing.forEach(Outbound::flush));
			}
		}

	}

}
