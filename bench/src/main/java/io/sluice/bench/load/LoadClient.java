package io.sluice.bench.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

/**
 * Opens deepstream-protocol connections to one server over loopback: WebSocket upgrade, then CONNECTION CHALLENGE
 * and AUTH REQUEST {@code {}}, completing when the server says AUTH_SUCCESSFUL. Source addresses rotate over
 * {@code 127.0.0.1 .. 127.0.0.n} so many connections do not run out of ephemeral ports.
 */
final class LoadClient implements AutoCloseable {

	private static final int MAX_FRAME = 1 << 20;

	private final URI uri;

	private final InetSocketAddress remote;

	private final EventLoopGroup group;

	private final Bootstrap bootstrap;

	private final int sourceAddresses;

	private int nextSource;

	LoadClient(URI uri, int threads, int sourceAddresses) {
		this.uri = uri;
		this.remote = new InetSocketAddress(uri.getHost(), uri.getPort());
		this.sourceAddresses = Math.max(1, sourceAddresses);
		this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
		this.bootstrap = new Bootstrap().group(this.group)
			.channel(NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
			.option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024));
	}

	/** Connects, upgrades and authenticates one connection; the future fails if any step does. */
	CompletableFuture<ClientConnection> connect(ClientConnection.Listener listener) {
		ClientConnection connection = new ClientConnection(this.uri.toString(), listener);
		WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
			.webSocketUri(this.uri)
			.version(WebSocketVersion.V13)
			.customHeaders(new DefaultHttpHeaders())
			.maxFramePayloadLength(MAX_FRAME)
			.handshakeTimeoutMillis(30_000)
			.build();
		Bootstrap bootstrap = this.bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {

			@Override
			protected void initChannel(SocketChannel channel) {
				channel.pipeline()
					.addLast(new HttpClientCodec())
					.addLast(new HttpObjectAggregator(64 * 1024))
					.addLast(new WebSocketClientProtocolHandler(config))
					.addLast(new WebSocketFrameAggregator(MAX_FRAME))
					.addLast(connection);
			}

		});
		ChannelFuture future = bootstrap.connect(this.remote, nextSourceAddress());
		future.addListener((ChannelFuture done) -> {
			if (!done.isSuccess()) {
				connection.ready().completeExceptionally(done.cause());
			}
		});
		return connection.ready();
	}

	/** Connects {@code count} connections, at most {@code parallel} handshakes at a time. */
	List<ClientConnection> connectAll(int count, int parallel, ClientConnection.Listener listener) throws Exception {
		List<ClientConnection> connections = new ArrayList<>(count);
		List<CompletableFuture<ClientConnection>> pending = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			pending.add(connect(listener));
			if (pending.size() >= parallel) {
				collect(pending, connections);
			}
		}
		collect(pending, connections);
		return connections;
	}

	private static void collect(List<CompletableFuture<ClientConnection>> pending, List<ClientConnection> into)
			throws Exception {
		for (CompletableFuture<ClientConnection> future : pending) {
			into.add(future.get(60, TimeUnit.SECONDS));
		}
		pending.clear();
	}

	private InetSocketAddress nextSourceAddress() {
		int index = this.nextSource++ % this.sourceAddresses;
		return new InetSocketAddress("127.0.0." + (1 + index), 0);
	}

	@Override
	public void close() {
		this.group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
	}

}
