package io.sluice.gateway.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;

import io.sluice.gateway.protocol.FrameCodec;

/**
 * One message going to many connections, encoded once: the WebSocket frame is built once per encoding (binary, or
 * the JSON endpoint's text) into one direct buffer, and each subscriber's channel is written a view of it, not a
 * copy. The subscribers are handed over per event loop, one task for all of a loop's subscribers, which writes to
 * each and then queues one flush for all of them, behind whatever else the loop has queued by then; so a loop that
 * falls behind under a flood writes many messages per system call.
 */
final class Fanout {

	private final byte[] binary;

	private final List<Encoded> frames = new ArrayList<>(1);

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
		try {
			for (Connection connection : connections) {
				if (!connection.id().equals(exceptId)) {
					count++;
					if (connection.isOpen() && connection.reserve()) {
						fanout.add(connection);
					}
				}
			}
			fanout.submit();
		}
		finally {
			fanout.release();
		}
		return count;
	}

	private void add(Connection connection) {
		ByteBuf frame = frame(connection.codec());
		EventLoop loop = connection.eventLoop();
		for (LoopBatch batch : this.batches) {
			if (batch.loop == loop) {
				batch.add(connection, frame);
				return;
			}
		}
		LoopBatch batch = new LoopBatch(loop);
		batch.add(connection, frame);
		this.batches.add(batch);
	}

	private ByteBuf frame(FrameCodec codec) {
		for (Encoded encoded : this.frames) {
			if (encoded.codec == codec) {
				return encoded.frame;
			}
		}
		byte[] payload = codec.fromBinary(this.binary);
		ByteBuf frame = WebSocketFrames.frame(ByteBufAllocator.DEFAULT, codec.isText(), payload);
		this.frames.add(new Encoded(codec, frame));
		return frame;
	}

	private void submit() {
		for (LoopBatch batch : this.batches) {
			// Each subscriber's write will own (and, once written, release) one reference.
			for (ByteBuf frame : batch.frames) {
				frame.retain();
			}
			try {
				batch.loop.execute(batch);
			}
			catch (RejectedExecutionException ex) {
				// The loop has shut down with its sockets: nothing to write to.
				batch.drop();
			}
		}
	}

	private void release() {
		for (Encoded encoded : this.frames) {
			encoded.frame.release();
		}
	}

	private record Encoded(FrameCodec codec, ByteBuf frame) {
	}

	/** The subscribers on one event loop, and the frame for each; run on that loop. */
	private static final class LoopBatch implements Runnable {

		private final EventLoop loop;

		private final List<Connection> connections = new ArrayList<>();

		private final List<ByteBuf> frames = new ArrayList<>();

		LoopBatch(EventLoop loop) {
			this.loop = loop;
		}

		void add(Connection connection, ByteBuf frame) {
			this.connections.add(connection);
			this.frames.add(frame);
		}

		@Override
		public void run() {
			List<Outbound> toFlush = null;
			for (int i = 0; i < this.connections.size(); i++) {
				Outbound outbound = this.connections.get(i).outbound();
				if (outbound.write(this.frames.get(i).duplicate())) {
					if (toFlush == null) {
						toFlush = new ArrayList<>(this.connections.size());
					}
					toFlush.add(outbound);
				}
			}
			if (toFlush != null) {
				List<Outbound> flushing = toFlush;
				this.loop.execute(() -> flushing.forEach(Outbound::flush));
			}
		}

		void drop() {
			for (ByteBuf frame : this.frames) {
				frame.release();
			}
		}

	}

}
