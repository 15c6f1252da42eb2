package io.sluice.bench.load;

import java.time.Duration;
import java.util.List;

/**
 * Idle connections: opens {@code --connections} authenticated connections spread over several 127.0.0.x source
 * addresses, holds them, and reports how much the server's RSS grew per connection. The baseline is the server's
 * RSS just before connecting, so run this against a freshly started, briefly warmed server.
 */
final class IdleConnections {

	private IdleConnections() {
	}

	static RunResult run(Options options) throws Exception {
		if (!ProcessSampler.available(options.serverPid())) {
			throw new IllegalArgumentException("The idle scenario needs --server-pid to read the server's RSS");
		}
		long baseline = ProcessSampler.rssKib(options.serverPid());
		try (LoadClient client = new LoadClient(options.url(), options.threads(), options.sourceAddresses());
				Measurement measurement = new Measurement(options.serverPid())) {
			long start = System.nanoTime();
			List<ClientConnection> connections = client.connectAll(options.connections(), 500, (connection, frame) -> {
			});
			double connectSeconds = (System.nanoTime() - start) / 1e9;
			// Let the server settle (buffers released, lazy allocations done) before reading its memory.
			Measurement.sleep(options.warmup());
			measurement.open();
			measurement.closeAfter(options.duration());
			long rss = ProcessSampler.rssKib(options.serverPid());
			long dropped = connections.stream().filter(ClientConnection::wasDropped).count();
			double perConnection = (rss - baseline) / (double) connections.size();
			for (ClientConnection connection : connections) {
				connection.close();
			}
			Measurement.sleep(Duration.ofSeconds(1));
			String note = String.format(java.util.Locale.ROOT,
					"%d connections in %.1f s; RSS %d -> %d KiB", connections.size(), connectSeconds, baseline, rss);
			return new RunResult(options, "idle N=" + options.connections(), perConnection, "KiB/conn", Double.NaN,
					Double.NaN, Double.NaN, 0, measurement.serverCpu(), rss, measurement.clientCpu(), 0, dropped,
					note);
		}
	}

}
