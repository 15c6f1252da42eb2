package io.sluice.gateway.transport;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;

/**
 * A connection's way out to its socket, straight onto the Netty channel: frames are written on the channel's event
 * loop in the order they were sent, from whichever thread, as tasks of that loop; a flush is queued behind the writes,
 * so everything the loop writes before it reaches the flush leaves in one system call. Frames are WebSocket frames
 * built here (server frames are unmasked, so the same bytes serve every subscriber of a fan-out), written below
 * Netty's WebSocket encoder, starting at the handler before it. Close frames go through the encoder, from the tail.
 *
 * <p>While the socket is full (the channel is not writable) frames wait in a backlog that exists only then (the handler
 * that hears of the socket draining is added the first time it fills, and stays). Frames sent but not yet handed to
 * the channel count against the {@link OutboundPolicy}, in bytes: past the budget, a client whose socket has taken
 * nothing for the stall timeout is refused (and disconnected by its connection); past the limit, any client
 * is. So a slow reader keeps receiving a burst while a stalled one is cut. An idle connection holds nothing here but
 * the channel and a few fields.
 */
public final class Outbound {

	private static final AtomicLongFieldUpdater<Outbound> QUEUED = AtomicLongFieldUpdater.newUpdater(Outbound.class,
			"queued");

	/** {@link #waitingSince} while the socket takes what it is given. */
	private static final long NOT_WAITING = Long.MIN_VALUE;

	private final Channel channel;

	private final OutboundPolicy policy;

	/**
	 * Where frames enter the pipeline: at Netty's WebSocket encoder's context, so that a write starts at the handler
	 * before it, towards the socket. The frames are whole WebSocket frames already; the encoder would only look at
	 * each and pass it on, and the walk down from the pipeline's tail to it cost more than the write itself (JFR, 100
	 * subscribers). Whatever sits between the encoder and the socket (TLS above all) still sees every frame. The
	 * channel itself where there is no encoder (a test's channel).
	 */
	private final ChannelOutboundInvoker writer;

	/**
	 * What the frames sent and not yet handed to the channel count ({@link OutboundPolicy#charge}): in the loop's
	 * task queue or in the backlog.
	 */
	private volatile long queued;

	/**
	 * While frames wait for the socket: when it last took some (or when they started waiting). Written by the loop when
	 * the backlog starts, drains a little or empties, and read only by a send that finds the budget spent.
	 */
	private volatile long waitingSince = NOT_WAITING;

	// The event loop's alone:

	private ArrayDeque<ByteBuf> backlog;

	private boolean flushScheduled;

	/** A close frame to write once the backlog has gone out. */
	private CloseStatus closeAfterBacklog;

	/** Nothing more is written: the close frame went out, or the connection ended. */
	private boolean ended;

	private WritabilityWatch watch;

	public Outbound(Channel channel, OutboundPolicy policy) {
		this.channel = channel;
		this.policy = policy;
		ChannelHandlerContext encoder = channel.pipeline().context(WebSocketFrameEncoder.class);
		this.writer = (encoder != null) ? encoder : channel;
	}

	public EventLoop eventLoop() {
		return this.channel.eventLoop();
	}

	/**
	 * Counts one more frame in, from any thread, by its {@link OutboundPolicy#charge}. Returns {@code null} if it may
	 * be sent; otherwise counts nothing and returns why the client must be disconnected.
	 */
	public CloseStatus reserve(int charge) {
		long total = QUEUED.addAndGet(this, charge);
		if (total <= this.policy.budget()) {
			return null;
		}
		CloseStatus refusal = refusal(total);
		if (refusal != null) {
			QUEUED.addAndGet(this, -charge);
		}
		return refusal;
	}

	private CloseStatus refusal(long total) {
		if (total > this.policy.limit()) {
			return this.policy.overLimit();
		}
		long since = this.waitingSince;
		if (since != NOT_WAITING && this.policy.nanoClock().getAsLong() - since > this.policy.stallNanos()) {
			return this.policy.stalled();
		}
		// Over the budget with a socket that drains, or with frames that wait for the loop rather than the client.
		return null;
	}

	/** What the frames waiting for this client count, in bytes. */
	public long queued() {
		return this.queued;
	}

	/** Writes a payload reserved for, in a frame built on the loop (its allocator's caches are the loop's). */
	public void send(byte[] payload, boolean text) {
		execute(() -> {
			if (write(WebSocketFrames.frame(this.channel.alloc(), text, payload))) {
				flushLater();
			}
		});
	}

	/**
	 * On the event loop: writes a frame reserved for, which this takes ownership of (and releases if it is not
	 * written). Returns whether the caller must queue a flush, {@link #flushLater()} or one for many connections.
	 */
	public boolean write(ByteBuf frame) {
		if (this.ended) {
			sent(frame);
			frame.release();
			return false;
		}
		if (this.backlog != null || !this.channel.isWritable()) {
			holdBack(frame);
			return false;
		}
		sent(frame);
		// The channel's own void promise: no promise allocated per write; a failed write only means the peer left.
		this.writer.write(frame, this.channel.unsafe().voidPromise());
		if (this.flushScheduled) {
			return false;
		}
		this.flushScheduled = true;
		return true;
	}

	/** On the event loop, after {@link #write} asked for it: flushes in a task of its own, behind what is queued. */
	void flushLater() {
		execute(this::flush);
	}

	/** On the event loop. */
	public void flush() {
		this.flushScheduled = false;
		this.writer.flush();
	}

	/** Sends the close frame once everything sent before has gone out, then closes the channel. */
	public void close(CloseStatus status) {
		execute(() -> {
			if (this.ended) {
				return;
			}
			if (this.backlog != null) {
				this.closeAfterBacklog = status;
			}
			else {
				writeClose(status);
			}
		});
	}

	/**
	 * Drops what waits and sends the close frame at once, as for a client that is not reading; the socket is closed
	 * once the frame has gone out, or after the stall timeout if it has not: a client that does not read may never take
	 * it, and its connection would stay open, holding what its socket has not taken.
	 */
	public void abort(CloseStatus status) {
		execute(() -> {
			if (!this.ended) {
				dropBacklog();
				writeClose(status);
				this.channel.eventLoop().schedule(() -> this.channel.close(), this.policy.stallNanos(),
						TimeUnit.NANOSECONDS);
			}
		});
	}

	/** The connection is over: nothing more is written and what waits is dropped. */
	public void end() {
		execute(() -> {
			this.ended = true;
			dropBacklog();
		});
	}

	private void writeClose(CloseStatus status) {
		this.ended = true;
		this.channel.writeAndFlush(new CloseWebSocketFrame(status.code(), status.reason()))
			.addListener(ChannelFutureListener.CLOSE);
	}

	private void holdBack(ByteBuf frame) {
		if (this.backlog != null) {
			this.backlog.add(frame);
			return;
		}
		this.backlog = new ArrayDeque<>();
		this.backlog.add(frame);
		this.waitingSince = this.policy.nanoClock().getAsLong();
		if (this.watch == null) {
			// Told when the socket has taken enough for the channel to be writable again. Only a connection whose
			// socket has filled pays for the handler; it then keeps it, since changing a pipeline costs more than the
			// few writes between two fillings of a busy subscriber's socket (JFR, one subscriber at full speed).
			this.watch = new WritabilityWatch();
			this.channel.pipeline().addFirst(this.watch);
		}
		this.writer.flush();
	}

	private void drainBacklog() {
		ArrayDeque<ByteBuf> frames = this.backlog;
		if (frames == null) {
			return;
		}
		while (!frames.isEmpty() && this.channel.isWritable()) {
			ByteBuf frame = frames.poll();
			sent(frame);
			this.writer.write(frame, this.channel.unsafe().voidPromise());
		}
		if (!frames.isEmpty()) {
			// The socket took some: the client reads, however slowly.
			this.waitingSince = this.policy.nanoClock().getAsLong();
			this.writer.flush();
			return;
		}
		this.backlog = null;
		this.waitingSince = NOT_WAITING;
		if (this.closeAfterBacklog != null) {
			writeClose(this.closeAfterBacklog);
		}
		else {
			this.writer.flush();
		}
	}

	private void dropBacklog() {
		ArrayDeque<ByteBuf> frames = this.backlog;
		this.backlog = null;
		this.waitingSince = NOT_WAITING;
		unwatch();
		if (frames != null) {
			for (ByteBuf frame : frames) {
				sent(frame);
				frame.release();
			}
		}
	}

	/** No longer counts a frame that leaves for the channel (or is dropped); before the channel may release it. */
	private void sent(ByteBuf frame) {
		QUEUED.addAndGet(this, -OutboundPolicy.chargeOfFrame(frame.readableBytes()));
	}

	private void unwatch() {
		WritabilityWatch current = this.watch;
		this.watch = null;
		if (current != null && this.channel.pipeline().context(current) != null) {
			this.channel.pipeline().remove(current);
		}
	}

	private void execute(Runnable task) {
		try {
			this.channel.eventLoop().execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The event loop has shut down, and the socket with it: there is nowhere to write to.
			this.ended = true;
		}
	}

	/** Drains the backlog when the channel becomes writable again. */
	private final class WritabilityWatch extends ChannelInboundHandlerAdapter {

		@Override
		public void channelWritabilityChanged(ChannelHandlerContext context) {
			context.fireChannelWritabilityChanged();
			if (context.channel().isWritable()) {
				drainBacklog();
			}
		}

	}

}
