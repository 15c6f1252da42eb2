package io.sluice.bench.load;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import io.sluice.bench.wire.Frame;
import io.sluice.bench.wire.Frames;

/**
 * One client connection. Handshake and authentication are handled here; after that each frame goes to the
 * {@link Listener}, on the connection's event loop, as a {@link Frame} that is only valid during the call.
 */
final class ClientConnection extends SimpleChannelInboundHandler<WebSocketFrame> {

	/** Receives the frames of an open connection, on its event loop. */
	interface Listener {

		void onFrame(ClientConnection connection, Frame frame);

	}

	private static final byte[] PING = Frames.ping();

	private final String url;

	private final CompletableFuture<ClientConnection> ready = new CompletableFuture<>();

	private final Frame frame = new Frame();

	private volatile Listener listener;

	private volatile Channel channel;

	private volatile boolean open;

	private volatile boolean dropped;

	private volatile ScheduledFuture<?> pings;

	/** Whether {@link #writeAfterRead} wrote since the last flush; the event loop's alone. */
	private boolean unflushed;

	/** Messages received while open; written by the event loop only, read by anyone. */
	volatile long received;

	/** For the scenario's own per-connection bookkeeping. */
	Object attachment;

	ClientConnection(String url, Listener listener) {
		this.url = url;
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
		this.channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)), this.channel.voidPromise());
	}

	/** Writes without flushing; call on the event loop and {@link #flush()} after a batch. */
	void write(byte[] frame) {
		this.channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)), this.channel.voidPromise());
	}

	void flush() {
		this.channel.flush();
	}

	/**
	 * Writes a frame to be flushed once the event loop has handed over everything the last socket read held; call
	 * from the listener. A client answering many frames of one read so makes one system call for all its answers.
	 */
	void writeAfterRead(byte[] frame) {
		write(frame);
		this.unflushed = true;
	}

	/** Whether the connection was closed after it had opened (by the server, or by {@link #close()}). */
	boolean wasDropped() {
		return this.dropped;
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
		this.channel = context.channel();
		super.channelActive(context);
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
		if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
			this.channel = context.channel();
			send(Frames.challenge(this.url));
		}
		else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
			this.ready.completeExceptionally(new IllegalStateException("WebSocket handshake timed out"));
		}
		super.userEventTriggered(context, event);
	}

	@Override
	protected void channelRead0(ChannelHandlerContext context, WebSocketFrame message) {
		if (!(message instanceof BinaryWebSocketFrame)) {
			return;
		}
		ByteBuf content = message.content();
		int length = content.readableBytes();
		byte[] bytes = this.frame.buffer(length);
		content.getBytes(content.readerIndex(), bytes, 0, length);
		Frame decoded = this.frame.decode(length);
		if (decoded.topic() == Frames.TOPIC_CONNECTION) {
			if (decoded.action() == Frames.CONNECTION_PING) {
				send(Frames.pong());
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
				this.pings = context.channel().eventLoop().scheduleAtFixedRate(() -> {
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
		this.received++;
		this.listener.onFrame(this, decoded);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext context) throws Exception {
		if (this.unflushed) {
			this.unflushed = false;
			context.channel().flush();
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
		this.ready.completeExceptionally(new IllegalStateException("Connection closed before it was open"));
		super.channelInactive(context);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
		this.ready.completeExceptionally(cause);
		context.close();
	}

}
