package io.sluice.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One address in front of several servers, as a Kubernetes Service is in front of the gateways: each connection goes
 * to the next server in turn, skipping one that refuses it, and ends when either side ends. A client that reconnects
 * to the one address it knows thus lands on a live server. Blocking sockets and a thread per direction: a test has a
 * few dozen connections.
 */
final class RoundRobinProxy implements AutoCloseable {

	private static final int CONNECT_TIMEOUT_MILLIS = 1000;

	private static final int BUFFER_SIZE = 16 * 1024;

	private final List<Integer> ports;

	private final ServerSocket server;

	private final ExecutorService threads = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "round-robin-proxy");
		thread.setDaemon(true);
		return thread;
	});

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final AtomicInteger next = new AtomicInteger();

	private final AtomicInteger connections = new AtomicInteger();

	private RoundRobinProxy(List<Integer> ports) throws IOException {
		this.ports = List.copyOf(ports);
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.threads.execute(this::accept);
	}

	/** Listens on a free loopback port and hands connections to the servers on {@code ports} in turn. */
	static RoundRobinProxy start(List<Integer> ports) throws IOException {
		return new RoundRobinProxy(ports);
	}

	int port() {
		return this.server.getLocalPort();
	}

	/** How many connections were handed to a server. */
	int connections() {
		return this.connections.get();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				this.threads.execute(() -> relay(client));
			}
			catch (IOException ex) {
				// closed: the loop ends
			}
		}
	}

	private void relay(Socket client) {
		this.open.add(client);
		Socket upstream = connectToNext();
		if (upstream == null) {
			close(client);
			return;
		}
		this.connections.incrementAndGet();
		this.open.add(upstream);
		this.threads.execute(() -> copy(upstream, client));
		copy(client, upstream);
	}

	/** The next server in turn that takes the connection, or null when none does. */
	private Socket connectToNext() {
		for (int attempt = 0; attempt < this.ports.size(); attempt++) {
			int port = this.ports.get(Math.floorMod(this.next.getAndIncrement(), this.ports.size()));
			Socket upstream = new Socket();
			try {
				upstream.setTcpNoDelay(true);
				upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
				return upstream;
			}
			catch (IOException ex) {
				// that server is down: the next one
				close(upstream);
			}
		}
		return null;
	}

	/** Copies until either side ends, then closes both, as a dead server's clients must notice. */
	private void copy(Socket from, Socket to) {
		byte[] buffer = new byte[BUFFER_SIZE];
		try {
			to.setTcpNoDelay(true);
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// one side is gone
		}
		finally {
			close(from);
			close(to);
		}
	}

	private void close(Socket socket) {
		this.open.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		this.open.forEach(this::close);
		this.threads.shutdownNow();
	}

}
