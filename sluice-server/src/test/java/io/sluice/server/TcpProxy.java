package io.sluice.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of one address, for faults on a link: every byte can be held back by a
 * latency (in each direction, order kept), and every connection through it can be dropped at once (both sides
 * closed, as a broken link or a restarted load balancer does). A thread per direction per connection: for tests.
 */
final class TcpProxy implements AutoCloseable {

	private static final int BUFFER = 16 * 1024;

	private final ServerSocket server;

	private final int targetPort;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger dropped = new AtomicInteger();

	private volatile long latencyNanos;

	private volatile boolean closed;

	TcpProxy(String name, int targetPort) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.targetPort = targetPort;
		Thread acceptor = new Thread(this::accept, "proxy-" + name);
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	/** How long each byte is held in each direction from now on; zero passes them at once. */
	void latency(Duration latency) {
		this.latencyNanos = latency.toNanos();
	}

	/** Closes every connection through the proxy; new ones are accepted as before. Returns how many it closed. */
	int dropConnections() {
		int count = 0;
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
			count++;
		}
		this.dropped.addAndGet(count / 2);
		return count / 2;
	}

	/** Connections accepted so far. */
	int accepted() {
		return this.accepted.get();
	}

	/** Connections dropped so far by {@link #dropConnections()}. */
	int dropped() {
		return this.dropped.get();
	}

	private void accept() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			Socket target;
			try {
				target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
			}
			catch (IOException ex) {
				closeQuietly(client);
				continue;
			}
			this.accepted.incrementAndGet();
			this.sockets.add(client);
			this.sockets.add(target);
			pipe(client, target, "up");
			pipe(target, client, "down");
		}
	}

	/** Copies from one socket to the other through a queue that releases each chunk once its latency is over. */
	private void pipe(Socket from, Socket to, String direction) {
		LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			byte[] buffer = new byte[BUFFER];
			try (InputStream in = from.getInputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					queue.put(new Chunk(Arrays.copyOf(buffer, read), System.nanoTime() + this.latencyNanos));
				}
			}
			catch (IOException | InterruptedException ex) {
				// closed or dropped
			}
			finally {
				queue.add(Chunk.END);
			}
		}, "proxy-read-" + direction);
		Thread writer = new Thread(() -> {
			try (OutputStream out = to.getOutputStream()) {
				for (Chunk chunk = queue.take(); chunk != Chunk.END; chunk = queue.take()) {
					long wait = chunk.due - System.nanoTime();
					if (wait > 0) {
						Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
					}
					out.write(chunk.bytes);
					out.flush();
				}
			}
			catch (IOException | InterruptedException ex) {
				// closed or dropped
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
				this.sockets.remove(from);
				this.sockets.remove(to);
			}
		}, "proxy-write-" + direction);
		reader.setDaemon(true);
		writer.setDaemon(true);
		reader.start();
		writer.start();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.server.close();
		dropConnections();
	}

	private record Chunk(byte[] bytes, long due) {

		static final Chunk END = new Chunk(new byte[0], 0);

	}

}
