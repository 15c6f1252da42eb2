package io.sluice.gateway.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.transport.CloseStatus;
import io.sluice.gateway.transport.OutboundPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection of a test (shared by the topic handlers' tests) on an embedded Netty channel, and what was written to
 * that channel, decoded: the channel's event loop is the test's thread, and it runs what is queued when the test
 * takes what was sent.
 */
public final class Outbox {

	public final Connection connection;

	private final Socket socket = new Socket();

	private final EmbeddedChannel channel;

	private final List<ByteBuf> written = new ArrayList<>();

	private CloseStatus closeFrame;

	public Outbox(String id) {
		this(id, 64);
	}

	/** A connection with room for {@code messages} messages of up to 64 bytes waiting, whether it reads or not. */
	public Outbox(String id, int messages) {
		this(id, messages, FrameCodec.BINARY);
	}

	public Outbox(String id, int messages, FrameCodec codec) {
		this(id, roomFor(messages), codec);
	}

	Outbox(String id, OutboundPolicy policy, FrameCodec codec) {
		this.channel = new EmbeddedChannel(this.socket);
		this.connection = new Connection(id, policy, codec, this.channel);
	}

	/** A policy with room for {@code messages} messages of up to 64 bytes, whatever the client does. */
	static OutboundPolicy roomFor(int messages) {
		long bytes = (long) messages * OutboundPolicy.charge(64);
		return new OutboundPolicy(bytes, bytes, Long.MAX_VALUE, System::nanoTime);
	}

	/** Logs the connection in as {@code userId}, with the client data (JSON) its login gave it, or none. */
	public void login(String userId, String clientData) {
		this.connection.authenticated(userId,
				(clientData != null) ? clientData.getBytes(StandardCharsets.UTF_8) : null, null);
	}

	/** Logs the connection in as {@code userId} with the server data (JSON) its authenticator kept, or none. */
	public void loginWithServerData(String userId, String serverData) {
		this.connection.authenticated(userId, null,
				(serverData != null) ? serverData.getBytes(StandardCharsets.UTF_8) : null);
	}

	/** Everything received since the last call, which it takes. */
	public synchronized List<Message> take() {
		return takePayloads().stream().map(MessageCodec::decode).toList();
	}

	/** The one message received since the last call, which it takes; fails unless there is exactly one. */
	public Message takeOnly() {
		List<Message> messages = take();
		assertThat(messages).hasSize(1);
		return messages.get(0);
	}

	/** The payloads of the frames received since the last call, which it takes. */
	public synchronized List<byte[]> takePayloads() {
		List<byte[]> payloads = new ArrayList<>();
		for (ByteBuf frame : takeFrames()) {
			payloads.add(payload(frame));
			frame.release();
		}
		return payloads;
	}

	/** The WebSocket frames written since the last call, as written (the caller releases them). */
	synchronized List<ByteBuf> takeFrames() {
		this.channel.runPendingTasks();
		List<ByteBuf> frames = new ArrayList<>(this.written);
		this.written.clear();
		for (Object message = this.channel.readOutbound(); message != null; message = this.channel.readOutbound()) {
			if (message instanceof CloseWebSocketFrame close) {
				this.closeFrame = new CloseStatus(close.statusCode(), close.reasonText());
				close.release();
			}
			else if (message instanceof ByteBuf frame && frame.isReadable()) {
				frames.add(frame);
			}
		}
		return frames;
	}

	/** The close frame written to the client, or {@code null} while there is none. */
	synchronized CloseStatus closeFrame() {
		takeFrames().forEach(ByteBuf::release);
		return this.closeFrame;
	}

	/** Moves the channel's clock on and runs the timers that came due. */
	void advanceTimeBy(java.time.Duration duration) {
		this.channel.advanceTimeBy(duration.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
		this.channel.runPendingTasks();
	}

	/** Whether the connection's socket can take more; a full one keeps the connection's frames waiting. */
	void socketFull(boolean full) {
		this.socket.room = 0;
		this.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, !full);
		this.channel.runPendingTasks();
	}

	/** The socket, full, takes {@code frames} more frames, and is full again once it has. */
	void socketTakes(int frames) {
		this.socket.room = frames;
		this.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
		this.channel.runPendingTasks();
	}

	/** Where the connection's frames are allocated from. */
	void allocator(ByteBufAllocator allocator) {
		this.channel.config().setAllocator(allocator);
	}

	/** The channel's event loop runs what is queued. */
	void runPendingTasks() {
		this.channel.runPendingTasks();
	}

	/** Closes the connection the way the peer would. */
	public void close() {
		this.connection.close(1000, "test");
		this.channel.runPendingTasks();
	}

	/** The socket's end of the channel: it may take only so many frames before it is full again. */
	private static final class Socket extends ChannelOutboundHandlerAdapter {

		/** How many more frames it takes before it fills up; zero for no end. */
		private int room;

		@Override
		public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
			context.write(message, promise);
			if (this.room > 0 && --this.room == 0) {
				context.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, false);
			}
		}

	}

	/** A server frame's payload: unmasked, with a 2, 4 or 10 byte header. */
	static byte[] payload(ByteBuf frame) {
		int length = frame.getByte(frame.readerIndex() + 1) & 0x7F;
		int header = (length < 126) ? 2 : (length == 126) ? 4 : 10;
		return ByteBufUtil.getBytes(frame, frame.readerIndex() + header, frame.readableBytes() - header);
	}

}
