package io.sluice.bench.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sluice.bench.wire.Frame;
import io.sluice.bench.wire.FrameWriter;
import io.sluice.bench.wire.Frames;
import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The load generator's connections against a server built on Netty's own WebSocket codec, speaking just enough of
 * the deepstream protocol: the handshake, authentication, and events echoed back (large ones in fragments, each
 * echo after a WebSocket ping).
 */
class LoadClientTests {

	private final EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();

	private Channel server;

	private URI uri;

	@BeforeEach
	void startServer() throws Exception {
		WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
			.websocketPath("/deepstream")
			.maxFramePayloadLength(1 << 21)
			.dropPongFrames(false)
			.build();
		this.server = new ServerBootstrap().group(this.serverGroup)
			.channel(NioServerSocketChannel.class)
			.childHandler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline()
						.addLast(new HttpServerCodec())
						.addLast(new HttpObjectAggregator(65_536))
						.addLast(new WebSocketServerProtocolHandler(config))
						.addLast(new NotFound())
						.addLast(new MiniDeepstream());
				}

			})
			.bind("127.0.0.1", 0)
			.sync()
			.channel();
		int port = ((InetSocketAddress) this.server.localAddress()).getPort();
		this.uri = URI.create("ws://127.0.0.1:" + port + "/deepstream");
	}

	@AfterEach
	void stopServer() {
		this.server.close().syncUninterruptibly();
		this.serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void opensAuthenticatesAndReceivesWhatItSends() throws Exception {
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		try (LoadClient client = new LoadClient(this.uri, 1, 1)) {
			ClientConnection connection = client.connect((c, frame) -> received.add(describe(frame)))
				.get(10, TimeUnit.SECONDS);
			connection.send(Frames.eventEmit("bench/event/e1", Frames.timestamped(4242, "pad")));
			assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("4/2 bench/event/e1 t=4242 length=20");
			assertThat(this.pongs.poll(10, TimeUnit.SECONDS)).isEqualTo("ping-1");
		}
	}

	@Test
	void batchedWritesAndFragmentedAnswersArriveWhole() throws Exception {
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		byte[] padding = "y".repeat(150_000).getBytes(StandardCharsets.US_ASCII);
		try (LoadClient client = new LoadClient(this.uri, 1, 1)) {
			ClientConnection connection = client.connect((c, frame) -> received.add(describe(frame)))
				.get(10, TimeUnit.SECONDS);
			FrameWriter writer = new FrameWriter();
			connection.channel().eventLoop().submit(() -> {
				// More than one batch buffer's worth, so some go out before the flush.
				for (int i = 0; i < 3; i++) {
					connection.write(writer.begin(Frames.TOPIC_EVENT, Frames.EVENT_EMIT)
						.timestampedData(i, padding)
						.bytes(6, "bench/event/e2".getBytes(StandardCharsets.UTF_8))
						.finish());
				}
				connection.flush();
			}).get(10, TimeUnit.SECONDS);
			for (int i = 0; i < 3; i++) {
				assertThat(received.poll(10, TimeUnit.SECONDS))
					.isEqualTo("4/2 bench/event/e2 t=" + i + " length=" + (150_000 + 14));
			}
		}
	}

	@Test
	void refusedUpgradeFailsTheConnectionWithTheStatus() {
		try (LoadClient client = new LoadClient(URI.create(this.uri.toString().replace("/deepstream", "/elsewhere")), 1,
				1)) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> client.connect((c, frame) -> {
				}).get(10, TimeUnit.SECONDS))
				.withMessageContaining("WebSocket upgrade refused: HTTP/1.1 404 Not Found");
		}
	}

	private static String describe(Frame frame) {
		String data = frame.data();
		return frame.topic() + "/" + frame.action() + " " + frame.name() + " t=" + frame.timestamp() + " length="
				+ ((data != null) ? data.length() : -1);
	}

	/** Answers every plain HTTP request with 404. */
	private static final class NotFound extends SimpleChannelInboundHandler<FullHttpRequest> {

		@Override
		protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
			DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
					HttpResponseStatus.NOT_FOUND);
			response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
			context.writeAndFlush(response);
		}

	}

	private final class MiniDeepstream extends SimpleChannelInboundHandler<WebSocketFrame> {

		private int pings;

		@Override
		protected void channelRead0(ChannelHandlerContext context, WebSocketFrame frame) {
			if (frame instanceof PongWebSocketFrame pong) {
				LoadClientTests.this.pongs.add(pong.content().toString(StandardCharsets.US_ASCII));
				return;
			}
			if (!(frame instanceof BinaryWebSocketFrame)) {
				return;
			}
			Message message = FrameCodec.BINARY.decode(ByteBufUtil.getBytes(frame.content()));
			if (message.topic() == Topic.CONNECTION && message.action() == ConnectionAction.CHALLENGE) {
				send(context, Message.builder(Topic.CONNECTION, ConnectionAction.ACCEPT).build());
			}
			else if (message.topic() == Topic.AUTH && message.action() == AuthAction.REQUEST) {
				send(context, Message.builder(Topic.AUTH, AuthAction.AUTH_SUCCESSFUL).build());
			}
			else if (message.topic() == Topic.EVENT && message.action() == EventAction.EMIT) {
				context.write(new PingWebSocketFrame(
						Unpooled.copiedBuffer("ping-" + (++this.pings), StandardCharsets.US_ASCII)));
				send(context, Message.builder(Topic.EVENT, EventAction.EMIT)
					.name(message.name())
					.data(message.data())
					.build());
			}
		}

		/** Sends a message, in three fragments if it is over 64 KiB. */
		private void send(ChannelHandlerContext context, Message message) {
			byte[] encoded = FrameCodec.BINARY.encode(message);
			if (encoded.length <= 65_536) {
				context.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(encoded)));
				return;
			}
			ByteBuf all = Unpooled.wrappedBuffer(encoded);
			int third = encoded.length / 3;
			context.write(new BinaryWebSocketFrame(false, 0, all.retainedSlice(0, third)));
			context.write(new ContinuationWebSocketFrame(false, 0, all.retainedSlice(third, third)));
			context.writeAndFlush(new ContinuationWebSocketFrame(true, 0, all.slice(2 * third, encoded.length - 2 * third)));
		}

	}

}
