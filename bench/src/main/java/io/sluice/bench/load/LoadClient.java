package io.sluice.bench.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Opens deepstream-protocol connections to one server over loopback: WebSocket upgrade (by {@link ClientConnection},
 * the one handler of each channel), then CONNECTION CHALLENGE and AUTH REQUEST {@code {}}, completing when the server
 * says AUTH_SUCCESSFUL. Source addresses rotate over {@code 127.0.0.1 .. 127.0.0.n} so many connections do not run
 * out of ephemeral ports.
 */
final class LoadClient implements AutoCloseable {

	private final URI uri;

	/** Where {@link #connectAll} connects, in turn: the subscribers' servers, in a cluster other than the publisher's. */
	private final List<URI> spread;

	private final EventLoopGroup group;

	private final Bootstrap bootstrap;

	private final int sourceAddresses;

	private int nextSource;

	LoadClient(URI uri, int threads, int sourceAddresses) {
		this(uri, List.of(uri), threads, sourceAddresses, 0);
	}

	/** Every connection to {@code uri}, with a receive buffer of {@code receiveBufferBytes} (see below). */
	LoadClient(URI uri, int threads, int sourceAddresses, int receiveBufferBytes) {
		this(uri, List.of(uri), threads, sourceAddresses, receiveBufferBytes);
	}

	/** Connections of {@link #connectAll} spread over {@code spread}, the others to {@code uri}. */
	LoadClient(URI uri, List<URI> spread, int threads, int sourceAddresses) {
		this(uri, spread, threads, sourceAddresses, 0);
	}

	/**
	 * @param uri where {@link #connect} connects: the publisher's, writer's or caller's server
	 * @param spread where {@link #connectAll} connects, in turn
	 * @param receiveBufferBytes above 0, each connection's socket receive buffer is that size and each read takes at
	 *     most that much, so a client that reads rarely takes little per read (the soak's slow consumers)
	 */
	LoadClient(URI uri, List<URI> spread, int threads, int sourceAddresses, int receiveBufferBytes) {
		this.uri = uri;
		this.spread = spread.isEmpty() ? List.of(uri) : List.copyOf(spread);
		this.sourceAddresses = Math.max(1, sourceAddresses);
		// Native epoll where there is one: NIO's selector cannot wait less than a millisecond, so a sender that waits
		// 100 µs for its next frame would spin the event loop, taking a core from the server it measures.
		boolean epoll = Epoll.isAvailable();
		this.group = new MultiThreadIoEventLoopGroup(threads,
				epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
		this.bootstrap = new Bootstrap().group(this.group)
			.channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
			.option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024));
		if (receiveBufferBytes > 0) {
			this.bootstrap.option(ChannelOption.SO_RCVBUF, receiveBufferBytes)
				.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(receiveBufferBytes));
		}
	}

	/** Connects, upgrades and authenticates one connection; the future fails if any step does. */
	CompletableFuture<ClientConnection> connect(ClientConnection.Listener listener) {
		return connect(this.uri, listener);
	}

	private CompletableFuture<ClientConnection> connect(URI to, ClientConnection.Listener listener) {
		ClientConnection connection = new ClientConnection(to, listener);
		Bootstrap bootstrap = this.bootstrap.clone().handler(connection);
		ChannelFuture future = bootstrap.connect(new InetSocketAddress(to.getHost(), to.getPort()),
				nextSourceAddress());
		future.addListener((ChannelFuture done) -> {
			if (!done.isSuccess()) {
				connection.ready().completeExceptionally(done.cause());
			}
		});
		return connection.ready();
	}

	/**
	 * Connects {@code count} connections, at most {@code parallel} handshakes at a time, spread in turn over the
	 * servers this client was given for them.
	 */
	List<ClientConnection> connectAll(int count, int parallel, ClientConnection.Listener listener) throws Exception {
		List<ClientConnection> connections = new ArrayList<>(count);
		List<CompletableFuture<ClientConnection>> pending = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			pending.add(connect(this.spread.get(i % this.spread.size()), listener));
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
