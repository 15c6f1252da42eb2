package io.sluice.bench.load;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import io.sluice.bench.wire.Frame;
import io.sluice.bench.wire.FrameWriter;
import io.sluice.bench.wire.Frames;
import io.sluice.bench.wire.WebSocketFrames;

/**
 * One client connection, the only handler of its channel: it upgrades to WebSocket (RFC 6455, no extensions),
 * answers the deepstream handshake and authenticates; after that each message goes to the {@link Listener}, on the
 * connection's event loop, as a {@link Frame} that is only valid during the call. Frames written on the event loop
 * are masked into one buffer per batch and reach the socket on {@link #flush()}, so a sender pays one pipeline pass
 * and one system call per batch rather than per frame.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements WebSocketFrames.Sink {

	/** Receives the frames of an open connection, on its event loop. */
	interface Listener {

		void onFrame(ClientConnection connection, Frame frame);

	}

	private static final byte[] PING = Frames.ping();

	private static final byte[] PONG = Frames.pong();

	/** Largest message accepted from the server. */
	private static final int MAX_MESSAGE = 1 << 20;

	/** Largest HTTP response head accepted for the upgrade. */
	private static final int MAX_UPGRADE_RESPONSE = 64 * 1024;

	/** A batch buffer is written to the channel once it holds this much, even before {@link #flush()}. */
	private static final int BATCH_BYTES = 16 * 1024;

	private static final ByteBuf CRLF_CRLF = Unpooled
		.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] { '\r', '\n', '\r', '\n' }));

	private static final VarHandle RECEIVED;

	static {
		try {
			RECEIVED = MethodHandles.lookup().findVarHandle(ClientConnection.class, "received", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final URI uri;

	private final String key = WebSocketFrames.newKey();

	private final CompletableFuture<ClientConnection> ready = new CompletableFuture<>();

	private final Frame frame = new Frame();

	private final WebSocketFrames.Reader reader = new WebSocketFrames.Reader(MAX_MESSAGE);

	private volatile Listener listener;

	private volatile Channel channel;

	private ChannelHandlerContext context;

	/** The upgrade response read so far, until the WebSocket is open; the event loop's alone. */
	private ByteBuf upgradeResponse;

	private boolean upgraded;

	private volatile boolean open;

	private volatile boolean dropped;

	/** The code of the close frame the server sent, or -1 if none was read. */
	private volatile int closeCode = -1;

	private volatile ScheduledFuture<?> pings;

	private ScheduledFuture<?> handshakeTimeout;

	/** Frames written since the last flush, masked and framed; the event loop's alone. */
	private ByteBuf batch;

	/** Whether {@link #writeAfterRead} wrote since the last flush; the event loop's alone. */
	private boolean unflushed;

	/** Messages received while open; written by the event loop only (release stores), read by anyone. */
	volatile long received;

	/** For the scenario's own per-connection bookkeeping. */
	Object attachment;

	ClientConnection(URI uri, Listener listener) {
		this.uri = uri;
		this.listener = listener;
	}

	CompletableFuture<ClientConnection> ready() {
		return this.ready;
	}

	void listener(Listener listener) {
		this.listener = listener;
	}

	Channel channel() {
		return this.channel;
	}

	/** Writes and flushes one frame; from any thread. */
	void send(byte[] frame) {
		Channel channel = this.channel;
		if (channel.eventLoop().inEventLoop()) {
			write(frame);
			flush();
		}
		else {
			channel.eventLoop().execute(() -> {
				write(frame);
				flush();
			});
		}
	}

	/** Writes without flushing; call on the event loop and {@link #flush()} after a batch. */
	void write(byte[] frame) {
		write(frame, 0, frame.length);
	}

	/** Writes the frame a {@link FrameWriter} has finished; call on the event loop. */
	void write(FrameWriter writer) {
		write(writer.buffer(), writer.start(), writer.length());
	}

	private void write(byte[] frame, int offset, int length) {
		writeFrame(WebSocketFrames.BINARY, frame, offset, length);
	}

	private void writeFrame(int opcode, byte[] payload, int offset, int length) {
		if (this.batch == null) {
			this.batch = this.context.alloc().heapBuffer(BATCH_BYTES);
		}
		WebSocketFrames.writeMasked(this.batch, opcode, payload, offset, length);
		if (this.batch.readableBytes() >= BATCH_BYTES) {
			writeBatch();
		}
	}

	private void writeBatch() {
		ByteBuf batch = this.batch;
		this.batch = null;
		this.context.write(batch, this.context.voidPromise());
	}

	/** Hands the frames written so far to the socket; call on the event loop. */
	void flush() {
		if (this.batch != null) {
			writeBatch();
		}
		this.context.flush();
	}

	/**
	 * Writes a frame to be flushed once the event loop has handed over everything the last socket read held; call
	 * from the listener. A client answering many frames of one read so makes one system call for all its answers.
	 */
	void writeAfterRead(byte[] frame) {
		write(frame);
		this.unflushed = true;
	}

	/** {@link #writeAfterRead(byte[])} for the frame a {@link FrameWriter} has finished. */
	void writeAfterRead(FrameWriter writer) {
		write(writer);
		this.unflushed = true;
	}

	/** Whether the connection was closed after it had opened (by the server, or by {@link #close()}). */
	boolean wasDropped() {
		return this.dropped;
	}

	/** The code of the server's close frame, or -1 if the connection ended without one being read. */
	int closeCode() {
		return this.closeCode;
	}

	boolean isWritable() {
		return this.channel.isWritable();
	}

	void close() {
		Channel channel = this.channel;
		if (channel != null) {
			channel.close();
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext context) throws Exception {
		this.context = context;
		this.channel = context.channel();
		this.handshakeTimeout = context.executor().schedule(() -> {
			fail(context, new IllegalStateException("WebSocket handshake timed out"));
		}, 30, TimeUnit.SECONDS);
		context.writeAndFlush(ByteBufUtil.writeAscii(context.alloc(), WebSocketFrames.upgradeRequest(this.uri, this.key)),
				context.voidPromise());
		super.channelActive(context);
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) {
		ByteBuf in = (ByteBuf) message;
		try {
			if (!this.upgraded && !readUpgradeResponse(context, in)) {
				return;
			}
			this.reader.read(in, context.alloc(), this);
		}
		catch (RuntimeException ex) {
			fail(context, ex);
		}
		finally {
			ReferenceCountUtil.release(in);
		}
	}

	/** Reads the upgrade response; true once it is whole and accepted, with the rest of {@code in} WebSocket frames. */
	private boolean readUpgradeResponse(ChannelHandlerContext context, ByteBuf in) {
		if (this.upgradeResponse == null) {
			this.upgradeResponse = context.alloc().heapBuffer(512);
		}
		int before = this.upgradeResponse.readableBytes();
		this.upgradeResponse.writeBytes(in, in.readerIndex(), in.readableBytes());
		int end = ByteBufUtil.indexOf(CRLF_CRLF, this.upgradeResponse);
		if (end < 0) {
			in.skipBytes(in.readableBytes());
			if (this.upgradeResponse.readableBytes() > MAX_UPGRADE_RESPONSE) {
				throw new IllegalStateException("WebSocket upgrade: no end to the response head in "
						+ MAX_UPGRADE_RESPONSE + " bytes");
			}
			return false;
		}
		String head = this.upgradeResponse.toString(0, end, StandardCharsets.ISO_8859_1);
		// What followed the blank line in this read is WebSocket data: leave it in `in`.
		in.skipBytes(end + 4 - before);
		this.upgradeResponse.release();
		this.upgradeResponse = null;
		WebSocketFrames.checkUpgradeResponse(head, this.key);
		this.upgraded = true;
		this.handshakeTimeout.cancel(false);
		send(Frames.challenge(this.uri.toString()));
		return true;
	}

	@Override
	public byte[] buffer(int length) {
		return this.frame.buffer(length);
	}

	@Override
	public void onMessage(int opcode, int length) {
		if (opcode != WebSocketFrames.BINARY) {
			return;
		}
		Frame decoded = this.frame.decode(length);
		if (decoded.topic() == Frames.TOPIC_CONNECTION) {
			if (decoded.action() == Frames.CONNECTION_PING) {
				writeAfterRead(PONG);
			}
			else if (decoded.action() == Frames.CONNECTION_ACCEPT) {
				send(Frames.authRequest());
			}
			else if (!this.open) {
				this.ready.completeExceptionally(new IllegalStateException("Connection refused: " + decoded));
			}
			return;
		}
		if (decoded.topic() == Frames.TOPIC_AUTH && !this.open) {
			if (decoded.action() == Frames.AUTH_SUCCESSFUL) {
				this.open = true;
				// As the real client does (heartbeatInterval), so servers that close silent connections keep this one.
				this.pings = this.context.executor().scheduleAtFixedRate(() -> {
					if (this.open) {
						send(PING);
					}
				}, 20, 20, TimeUnit.SECONDS);
				this.ready.complete(this);
			}
			else {
				this.ready.completeExceptionally(new IllegalStateException("Authentication refused: " + decoded));
			}
			return;
		}
		RECEIVED.setRelease(this, this.received + 1);
		this.listener.onFrame(this, decoded);
	}

	@Override
	public void onPing(byte[] payload) {
		writeFrame(WebSocketFrames.PONG, payload, 0, payload.length);
		this.unflushed = true;
	}

	@Override
	public void onClose(int code) {
		this.closeCode = code;
		writeFrame(WebSocketFrames.CLOSE, new byte[] { (byte) (code >>> 8), (byte) code }, 0, (code == 1005) ? 0 : 2);
		flush();
		this.context.close();
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext context) throws Exception {
		if (this.unflushed) {
			this.unflushed = false;
			flush();
		}
		super.channelReadComplete(context);
	}

	@Override
	public void channelInactive(ChannelHandlerContext context) throws Exception {
		this.dropped = this.open;
		this.open = false;
		ScheduledFuture<?> pings = this.pings;
		if (pings != null) {
			pings.cancel(false);
		}
		if (this.handshakeTimeout != null) {
			this.handshakeTimeout.cancel(false);
		}
		this.reader.release();
		if (this.upgradeResponse != null) {
			this.upgradeResponse.release();
			this.upgradeResponse = null;
		}
		if (this.batch != null) {
			this.batch.release();
			this.batch = null;
		}
		this.ready.completeExceptionally(new IllegalStateException("Connection closed before it was open"));
		super.channelInactive(context);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
		fail(context, cause);
	}

	private void fail(ChannelHandlerContext context, Throwable cause) {
		if (this.open) {
			System.err.println("Closing " + context.channel() + ": " + cause);
		}
		this.ready.completeExceptionally(cause);
		context.close();
	}

}
